import type { AccountClient } from "./types.js";

/** A group unknown to the cache triggers at most one list fetch per this interval. */
const REFRESH_MS = 60_000;

interface NameCache {
  names: Map<string, string>;
  fetchedAt: number;
  pending?: Promise<void>;
}
const caches = new WeakMap<AccountClient, NameCache>();

/**
 * A group's name (`getJoinedGroupListPage`, cached per running client), so the agent sees "Team Room",
 * not only its id. Undefined when unknown or the list cannot be read (the id is used then).
 */
export async function groupNameOf(client: AccountClient, groupID: string): Promise<string | undefined> {
  let cache = caches.get(client);
  if (!cache) {
    cache = { names: new Map(), fetchedAt: 0 };
    caches.set(client, cache);
  }
  const c = cache;
  if (!c.names.has(groupID) && Date.now() - c.fetchedAt > REFRESH_MS) {
    c.pending ??= client
      .joinedGroups()
      .then((groups) => {
        for (const g of groups) c.names.set(g.groupID, g.groupName);
      })
      .catch(() => undefined)
      .finally(() => {
        c.fetchedAt = Date.now();
        c.pending = undefined;
      });
    await c.pending;
  }
  return c.names.get(groupID);
}
