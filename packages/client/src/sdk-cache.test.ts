import { expect, test } from "vitest";
import {
  boundMessageCache,
  createSdkInstance,
  loadSdk,
  MESSAGE_CACHE_CONVERSATIONS,
  MESSAGE_CACHE_PER_CONVERSATION,
  type OpenImSdk,
} from "./sdk-loader.js";

interface CacheInternals {
  cachedMessages: Map<string, { seq: number; clientMsgID: string }[]>;
  addMessagesToCache(conversationID: string, messages: { seq: number; clientMsgID: string }[]): void;
  getCachedMessagesBySeqs(
    conversationID: string,
    seqs: number[],
  ): { cachedMessages: { seq: number }[]; unCachedSeqs: number[] };
}
const cacheOf = (sdk: OpenImSdk) =>
  (sdk as unknown as { messageTrigger: { cache: CacheInternals } }).messageTrigger.cache;
const message = (seq: number) => ({ seq, clientMsgID: `m${seq}` });

test("the real SDK's message cache is bounded per conversation and in conversations; its own lookups still work", async () => {
  await loadSdk();
  const cache = cacheOf(createSdkInstance());
  const per = MESSAGE_CACHE_PER_CONVERSATION;
  const list = () => cache.cachedMessages.get("si_a_bot") ?? [];
  // One at a time, as the SDK adds pushed messages: appended in place (the same array), never above 2×.
  for (let seq = 1; seq <= 1000; seq++) {
    const before = list();
    cache.addMessagesToCache("si_a_bot", [message(seq)]);
    if (seq > 1) expect(list()).toBe(before);
    expect(list().length).toBeLessThanOrEqual(2 * per);
  }
  // The newest are kept, in order; the SDK's lookup finds them and names the rest as uncached (it then
  // fetches those from the server).
  expect(list().at(-1)?.seq).toBe(1000);
  const { cachedMessages, unCachedSeqs } = cache.getCachedMessagesBySeqs("si_a_bot", [1, 2, 999, 1000]);
  expect(cachedMessages.map((m) => m.seq).sort((a, b) => a - b)).toEqual([999, 1000]);
  expect(unCachedSeqs).toEqual([1, 2]);
  // A page at once (history) is kept whole up to the bound too.
  cache.addMessagesToCache(
    "sg_g",
    Array.from({ length: 500 }, (_, i) => message(i + 1)),
  );
  expect(cache.cachedMessages.get("sg_g")).toHaveLength(per);
  expect(cache.cachedMessages.get("sg_g")?.[0]?.seq).toBe(500 - per + 1);
  // Conversations: the ones added to least recently go first.
  for (let i = 0; i < MESSAGE_CACHE_CONVERSATIONS + 50; i++)
    cache.addMessagesToCache(`si_u${i}_bot`, [message(1)]);
  expect(cache.cachedMessages.size).toBe(MESSAGE_CACHE_CONVERSATIONS);
  expect(cache.cachedMessages.has("si_a_bot")).toBe(false);
  expect(cache.cachedMessages.has(`si_u${MESSAGE_CACHE_CONVERSATIONS + 49}_bot`)).toBe(true);
});

test("an SDK build without the cache internals is left alone", () => {
  const sdk = { messageTrigger: {} } as unknown as OpenImSdk;
  expect(() => boundMessageCache(sdk)).not.toThrow();
  expect(() => boundMessageCache({} as OpenImSdk)).not.toThrow();
});
