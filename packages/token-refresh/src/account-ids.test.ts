import { readFile, writeFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { createTokenRefresher } from "./refresher.js";
import { useAuthFixtures } from "./test-fixtures.js";

// Audit finding (issue 18): ids that name Object.prototype members read and wrote the prototype.
const { dir, serve } = useAuthFixtures();

async function refresherFor(stateFile: string) {
  const server = await serve(() => ({ body: { token: "NEW-TOKEN", rt: "RT-ROTATED" } }));
  return createTokenRefresher({
    tokenRefresh: {
      mode: "http",
      manualLoginMarkerPath: dir.join("ml.json"),
      http: {
        stateFile,
        endpoint: `${server.url}/r`,
        responseTokenPath: "token",
        stateWriteBack: { rt: "rt" },
      },
    },
  });
}

test.each(["__proto__", "constructor"])(
  "refresh(%j) is refused by name, and nothing is written",
  async (id) => {
    const stateFile = dir.join("state.json");
    await writeFile(stateFile, "{}");
    const result = await (await refresherFor(stateFile)).refresh(id, "r");
    expect(result).toMatchObject({ ok: false, code: "ACCOUNT_ID_INVALID" });
    expect(await readFile(stateFile, "utf8")).toBe("{}");
  },
);

test("an id that names an inherited member (toString) reads its own entry and keeps its write-back", async () => {
  const stateFile = dir.join("state.json");
  await writeFile(stateFile, JSON.stringify({ other: { rt: "x" } }));
  const result = await (await refresherFor(stateFile)).refresh("toString", "r");
  expect(result).toMatchObject({ ok: true, token: "NEW-TOKEN" });
  expect(JSON.parse(await readFile(stateFile, "utf8"))).toEqual({
    other: { rt: "x" },
    toString: { rt: "RT-ROTATED" },
  });
});
