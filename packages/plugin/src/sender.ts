import type { AccountRegistry } from "./registry.js";
import type { Sends } from "./sends.js";
import { requireTarget } from "./targets.js";
import type { AccountClient, MediaSource } from "./types.js";

type Source = { url: string } | { path: string };

/**
 * The tools' `Sender` (from @multi-openim/mcp-tools) over the accounts running in this gateway.
 * Lookups are by the explicit accountId the model passed; the registry raises the seed's errors.
 * The tools refuse an account that is not connected up front (the model hears "try later" at once);
 * a send that loses its connection after that check waits in the client's send queue like a reply does.
 */
export function createRegistrySender(registry: AccountRegistry, configuredIds: () => string[], sends: Sends) {
  const via = <T>(accountId: string, what: string, op: (client: AccountClient) => Promise<T>) =>
    sends.run(accountId, `tool ${what}`, op);
  const id = (sent: { serverMsgID: string; clientMsgID: string }) => sent.serverMsgID || sent.clientMsgID;
  const media = (source: Source, fileName?: string): MediaSource =>
    "url" in source ? { url: source.url, ...(fileName ? { name: fileName } : {}) } : { path: source.path };
  return {
    knownAccounts: () => [...new Set([...configuredIds(), ...registry.ids()])],
    isConnected: (accountId: string) => {
      const entry = registry.get(accountId);
      return !!entry && entry.client.status().connected;
    },
    sendText: async (accountId: string, target: string, text: string) => {
      const to = requireTarget(target);
      return id(await via(accountId, `text to ${target}`, (c) => c.sendText(to, text)));
    },
    sendImage: async (accountId: string, target: string, source: Source, options?: { fileName?: string }) => {
      const to = requireTarget(target);
      const file = media(source, options?.fileName);
      return id(await via(accountId, `image to ${target}`, (c) => c.sendImage(to, file)));
    },
    sendVideo: async (accountId: string, target: string, source: Source, options?: { fileName?: string }) => {
      const to = requireTarget(target);
      const file = media(source, options?.fileName);
      return id(await via(accountId, `video to ${target}`, (c) => c.sendVideo(to, file)));
    },
    sendFile: async (accountId: string, target: string, source: Source, options?: { fileName?: string }) => {
      const to = requireTarget(target);
      const file = media(source, options?.fileName);
      return id(await via(accountId, `file to ${target}`, (c) => c.sendFile(to, file)));
    },
  };
}
