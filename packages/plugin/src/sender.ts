import type { AccountRegistry } from "./registry.js";
import { requireTarget } from "./targets.js";
import type { MediaSource } from "./types.js";

type Source = { url: string } | { path: string };

/**
 * The tools' `Sender` (from @multi-openim/mcp-tools) over the accounts running in this gateway.
 * Lookups are by the explicit accountId the model passed; the registry raises the seed's errors.
 */
export function createRegistrySender(registry: AccountRegistry, configuredIds: () => string[]) {
  const client = (accountId: string) => registry.require(accountId).client;
  const id = (sent: { serverMsgID: string; clientMsgID: string }) => sent.serverMsgID || sent.clientMsgID;
  const media = (source: Source, fileName?: string): MediaSource =>
    "url" in source ? { url: source.url, ...(fileName ? { name: fileName } : {}) } : { path: source.path };
  return {
    knownAccounts: () => [...new Set([...configuredIds(), ...registry.ids()])],
    isConnected: (accountId: string) => {
      const entry = registry.get(accountId);
      return !!entry && entry.client.status().connected;
    },
    sendText: async (accountId: string, target: string, text: string) =>
      id(await client(accountId).sendText(requireTarget(target), text)),
    sendImage: async (accountId: string, target: string, source: Source, options?: { fileName?: string }) =>
      id(await client(accountId).sendImage(requireTarget(target), media(source, options?.fileName))),
    sendVideo: async (accountId: string, target: string, source: Source, options?: { fileName?: string }) =>
      id(await client(accountId).sendVideo(requireTarget(target), media(source, options?.fileName))),
    sendFile: async (accountId: string, target: string, source: Source, options?: { fileName?: string }) =>
      id(await client(accountId).sendFile(requireTarget(target), media(source, options?.fileName))),
  };
}
