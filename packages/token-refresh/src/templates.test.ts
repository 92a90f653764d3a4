import { describe, expect, test } from "vitest";
import { firstNonEmpty, getByPath } from "./paths.js";
import { renderDeep, renderTemplate } from "./templates.js";

describe("renderTemplate", () => {
  const state = {
    refresh_token: "rt",
    url: "https://a.example",
    n: 5,
    flag: false,
    nested: { deep: "d" },
    obj: { a: 1 },
  };

  test("substitutes {accountId} and {state.<field>}, coercing to string", () => {
    const ctx = { accountId: "team-b", state };
    expect(renderTemplate("{state.url}/refresh/{accountId}?n={state.n}&f={state.flag}", ctx)).toBe(
      "https://a.example/refresh/team-b?n=5&f=false",
    );
    expect(renderTemplate("{state.nested.deep}|{state.obj}", ctx)).toBe('d|{"a":1}');
  });

  test("leaves other braces alone and renders a missing field as empty, reporting it", () => {
    const missing: string[] = [];
    const used: string[] = [];
    const out = renderTemplate('{"raw": {x}} {state.nope} {state.refresh_token}', {
      accountId: "a",
      state,
      onMissing: (f) => missing.push(f),
      onStateValue: (f, v) => used.push(`${f}=${v}`),
    });
    expect(out).toBe('{"raw": {x}}  rt');
    expect(missing).toEqual(["nope"]);
    expect(used).toEqual(["refresh_token=rt"]);
  });

  test("renderDeep renders every string leaf of objects and arrays, keeping other types", () => {
    expect(
      renderDeep(
        { a: "{accountId}", b: [1, "{state.refresh_token}", { c: "{state.n}" }], d: null, e: true },
        {
          accountId: "x",
          state,
        },
      ),
    ).toEqual({ a: "x", b: [1, "rt", { c: "5" }], d: null, e: true });
  });
});

describe("getByPath / firstNonEmpty", () => {
  const json = { data: { items: [{ token: "t0" }], empty: "", zero: 0 }, top: "T" };

  test("walks dot-paths including array indexes; missing steps give undefined", () => {
    expect(getByPath(json, "data.items.0.token")).toBe("t0");
    expect(getByPath(json, "top")).toBe("T");
    expect(getByPath(json, "data.nope.deeper")).toBeUndefined();
    expect(getByPath(json, "top.length")).toBeUndefined();
    expect(getByPath(json, "constructor")).toBeUndefined();
  });

  test("first non-empty path wins; '' and null count as empty, 0 does not", () => {
    expect(firstNonEmpty(json, ["data.empty", "missing", "top"])).toEqual({ value: "T", path: "top" });
    expect(firstNonEmpty(json, "data.zero")).toEqual({ value: 0, path: "data.zero" });
    expect(firstNonEmpty(json, ["a", "b"])).toBeUndefined();
  });
});
