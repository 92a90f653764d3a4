import { afterEach, expect, test } from "vitest";
import { type RefreshEndpoint, startRefreshEndpoint } from "./refresh-endpoint.ts";

let endpoint: RefreshEndpoint | undefined;
afterEach(() => endpoint?.close());

const call = (id: string, signal?: AbortSignal) =>
  fetch(endpoint!.endpoint.replace("{accountId}", id), { method: "POST", body: "{}", signal });

test("answers a token, then 500, then not JSON, then nothing; counts every call per account", async () => {
  endpoint = await startRefreshEndpoint((id) => {
    if (id !== "a") throw new Error("unknown");
    return "token-for-a";
  });
  expect(await (await call("a")).json()).toEqual({ token: "token-for-a" });
  expect((await call("zzz")).status).toBe(404);
  endpoint.setBehaviour("500");
  expect((await call("a")).status).toBe(500);
  endpoint.setBehaviour("bad-json");
  await expect((await call("a")).json()).rejects.toThrow();
  endpoint.setBehaviour("timeout");
  await expect(call("a", AbortSignal.timeout(150))).rejects.toThrow();
  endpoint.setBehaviour("slow", { slowMs: 300 });
  const began = performance.now();
  expect(await (await call("a")).json()).toEqual({ token: "token-for-a" });
  expect(performance.now() - began).toBeGreaterThanOrEqual(290);
  endpoint.setBehaviour("ok");
  expect(endpoint.callsFor("a")).toBe(5);
  expect(endpoint.calls).toEqual(["a", "zzz", "a", "a", "a", "a"]);
  expect(endpoint.tokenRefresh(1000).http.endpoint).toBe(endpoint.endpoint);
});
