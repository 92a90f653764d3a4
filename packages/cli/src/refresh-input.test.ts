import { expect, test } from "vitest";
import { refreshFromFlags, refreshFromJson } from "./refresh-input.js";

test("no refresh flag leaves tokenRefresh alone", () => {
  expect(refreshFromFlags({}, undefined)).toBeUndefined();
});

test("http flags build the block; mode defaults to http, repeated token paths become a list", () => {
  const block = refreshFromFlags(
    {
      refreshEndpoint: "{state.url}/refresh",
      refreshMethod: "put",
      refreshTokenPath: ["tokens.openimToken", "data.openimToken"],
      refreshHeader: ["content-type: application/json"],
      refreshBody: "grant=refresh",
      refreshTimeoutMs: 5000,
    },
    undefined,
  );
  expect(block).toEqual({
    mode: "http",
    http: {
      endpoint: "{state.url}/refresh",
      method: "PUT",
      responseTokenPath: ["tokens.openimToken", "data.openimToken"],
      headers: { "content-type": "application/json" },
      body: "grant=refresh",
      timeoutMs: 5000,
    },
  });
});

test("flags go over a --from-json block", () => {
  const base = refreshFromJson({
    mode: "http",
    http: { endpoint: "https://a/r", responseTokenPath: "token" },
  });
  expect(refreshFromFlags({ refreshStateFile: "/s.json" }, base)).toEqual({
    mode: "http",
    http: { endpoint: "https://a/r", responseTokenPath: "token", stateFile: "/s.json" },
  });
});

test("contradictions and gaps are usage errors naming the flag", () => {
  expect(() => refreshFromFlags({ refreshMode: "hook", refreshEndpoint: "https://a" }, undefined)).toThrow(
    /need --refresh-mode http \(not hook\)/,
  );
  expect(() => refreshFromFlags({ refreshMode: "http" }, undefined)).toThrow(
    /endpoint \(--refresh-endpoint\) and responseTokenPath \(--refresh-token-path\)/,
  );
  expect(() => refreshFromFlags({ refreshHeader: ["nocolon"], refreshMode: "http" }, undefined)).toThrow(
    /--refresh-header must look like "name: value"/,
  );
  expect(() => refreshFromJson({ mode: "sometimes" })).toThrow(/from-json\.tokenRefresh\.mode/);
  expect(refreshFromFlags({ refreshMode: "off" }, undefined)).toEqual({ mode: "off" });
});
