import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "vitest";
import { withRestAgent } from "./rest-dispatcher.js";

test("the SDK's fetches go through a bounded agent for the synchronous part of the call only", async () => {
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const real = globalThis.fetch;
  try {
    await real(url); // Node makes its global dispatcher on the first fetch
    const seen: unknown[] = [];
    const recorder = ((input: string, init?: RequestInit & { dispatcher?: unknown }) => {
      seen.push(init?.dispatcher);
      return real(input, init);
    }) as typeof fetch;
    globalThis.fetch = recorder;
    const answer = await withRestAgent(() => globalThis.fetch(url)).then((r) => r.text());
    expect(answer).toBe("ok");
    expect(seen[0]).toBeDefined(); // routed through our agent
    expect(globalThis.fetch).toBe(recorder); // and the host's fetch is back at once
    await globalThis.fetch(url);
    expect(seen[1]).toBeUndefined();
  } finally {
    globalThis.fetch = real;
    server.close();
  }
});
