import { CHANNEL_ID, type ResolvedAccount } from "@multi-openim/core";
import { createChannelPairingController } from "openclaw/plugin-sdk/channel-pairing";
import { accessOf, decideAdmission, type IngressPolicy } from "./admission.js";
import type { AccountClient, InboundMessage, Logger } from "./types.js";

/** OpenClaw's pairing store as the channel runtime exposes it (`runtime.channel.pairing`). */
export interface PairingStoreRuntime {
  readAllowFromStore(params: { channel: string; accountId: string }): Promise<string[]>;
  upsertPairingRequest(params: {
    channel: string;
    accountId: string;
    id: string;
    meta?: Record<string, string | undefined>;
  }): Promise<{ code: string; created: boolean }>;
}

export interface AdmissionContext {
  account: ResolvedAccount;
  client: Pick<AccountClient, "sendText">;
  runtime: unknown;
  log: Logger;
}

export type AdmitResult =
  | {
      admit: true;
      requireMention: boolean;
      ingress: IngressPolicy & { readStoreAllowFrom: () => Promise<string[]> };
    }
  | { admit: false; reason: string };

const pairingOf = (runtime: unknown) => (runtime as { pairing?: PairingStoreRuntime } | undefined)?.pairing;

/**
 * Runs the pure decision with the pairing store's approvals and carries it out: an unknown DM sender
 * under pairing gets one reply with a code (OpenClaw's challenge: only when the request is new).
 */
export async function admitMessage(ctx: AdmissionContext, message: InboundMessage): Promise<AdmitResult> {
  const access = accessOf(ctx.account);
  const pairing = pairingOf(ctx.runtime);
  const accountId = ctx.account.accountId;
  const needsStore = message.kind === "direct" && access.dmPolicy === "pairing";
  if (needsStore && !pairing) {
    ctx.log.error(
      `[multi-openim] ${accountId}: dmPolicy "pairing" but OpenClaw gave no pairing store; DM dropped`,
    );
    return { admit: false, reason: "pairing-unavailable" };
  }
  const store =
    needsStore && pairing ? await pairing.readAllowFromStore({ channel: CHANNEL_ID, accountId }) : [];
  const decision = decideAdmission(message, access, store, ctx.account.userID);
  if (decision.kind === "drop") return { admit: false, reason: decision.reason };
  if (decision.kind === "admit") {
    return {
      admit: true,
      requireMention: decision.requireMention,
      ingress: { ...decision.ingress, readStoreAllowFrom: async () => store },
    };
  }
  const controller = createChannelPairingController({
    core: { channel: ctx.runtime } as unknown as Parameters<typeof createChannelPairingController>[0]["core"],
    channel: CHANNEL_ID,
    accountId,
  });
  const sender = message.sender.userID;
  const { created } = await controller.issueChallenge({
    senderId: sender,
    senderIdLine: `Your OpenIM userID: ${sender}`,
    meta: { name: message.sender.nickname ?? sender, accountId },
    sendPairingReply: async (text) => {
      await ctx.client.sendText(message.target, text);
    },
    onReplyError: (error) =>
      ctx.log.warn(`[multi-openim] ${accountId}: pairing reply to ${sender} failed: ${String(error)}`),
  });
  ctx.log.info(
    `[multi-openim] ${accountId}: ${sender} is not paired; ${created ? "pairing code sent" : "request already pending, no reply"}`,
  );
  return { admit: false, reason: created ? "pairing-requested" : "pairing-pending" };
}
