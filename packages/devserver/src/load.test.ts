import { afterEach, describe, expect, test } from "vitest";
import { type DevServer, startDevServer } from "./server.js";
import { loginClient, settle, teardown } from "./test-sdk.js";

let server: DevServer | undefined;
afterEach(async () => {
  await teardown(server);
  server = undefined;
});

const COUNT = 10_000;

describe("load", () => {
  // Bounded: one loopback server, one SDK client, 10k pushes; prints throughput instead of asserting a speed.
  test(`${COUNT} pushed messages reach one SDK client, all in order`, async () => {
    server = await startDevServer();
    const bot = await loginClient(server, "bot");
    // Warm the conversation first: until the SDK has cached it, every push fires its own /jssdk/get_conversations.
    server.sendAs("alice", "user:bot", "warm-up");
    await bot.waitMessages((m) => m.sendID === "alice");
    await settle(server);
    const t0 = performance.now();
    for (let i = 1; i <= COUNT; i++) server.sendAs("alice", "user:bot", `m${i}`);
    const pushedMs = performance.now() - t0;
    const got = await bot.waitMessages((m) => m.sendID === "alice" && m.seq > 1, COUNT, 80_000);
    const ms = performance.now() - t0;
    expect(got).toHaveLength(COUNT);
    expect(got.every((m, i) => m.seq === i + 2 && m.textElem.content === `m${i + 1}`)).toBe(true);
    console.log(
      `[devserver load] ${COUNT} messages pushed in ${pushedMs.toFixed(0)} ms, all received by the SDK in ${ms.toFixed(0)} ms: ${((COUNT / ms) * 1000).toFixed(0)} msg/s`,
    );
  }, 90_000);
});
