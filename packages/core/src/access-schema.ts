import { z } from "zod";

/** The docs every "what went wrong" message points at. */
export const CONFIG_DOC = "packages/core/CONFIG.md";

export const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;
export const GROUP_POLICIES = ["open", "allowlist", "disabled"] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];
export type GroupPolicy = (typeof GROUP_POLICIES)[number];

const userIds = z
  .array(z.string().trim().min(1, { error: "an empty userID: remove it or write the OpenIM userID" }))
  .describe('OpenIM userIDs ("*" means everyone).');

/** OpenClaw's tool-policy shape (`GroupToolPolicyConfig`: allow / alsoAllow / deny), for one group's turns. */
export const toolPolicySchema = z
  .strictObject({
    allow: z.array(z.string().min(1)).optional().describe("Only these tools (exact names) in this group."),
    alsoAllow: z
      .array(z.string().min(1))
      .optional()
      .describe("Tools added to the agent's inherited allow list in this group."),
    deny: z.array(z.string().min(1)).optional().describe("Tools denied in this group; deny wins."),
  })
  .refine((p) => !(p.allow?.length && p.alsoAllow?.length), {
    error: "set either allow or alsoAllow, not both (merge alsoAllow into allow)",
  })
  .describe("Tool policy for turns from this group (OpenClaw's allow / alsoAllow / deny).");

/** `groups.<groupID>` and `groups["*"]` (the default for every group). */
export const groupConfigSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .optional()
      .describe("false: messages in this group never reach the agent. Default true."),
    requireMention: z
      .boolean()
      .optional()
      .describe("Answer only when @-mentioned (or @all, or the bot's message is quoted)."),
    allowFrom: userIds
      .optional()
      .describe("Only these senders reach the agent in this group (overrides groupAllowFrom)."),
    tools: toolPolicySchema.optional(),
  })
  .describe('Settings of one group; the key "*" is the default for every group.');

const dmPolicySchema = z.enum(DM_POLICIES, {
  error: `must be one of ${DM_POLICIES.join(", ")} (see ${CONFIG_DOC})`,
});
const groupPolicySchema = z.enum(GROUP_POLICIES, {
  error: `must be one of ${GROUP_POLICIES.join(", ")} (see ${CONFIG_DOC})`,
});

/**
 * Who may reach the agent, with OpenClaw's field names. Written at channel level they are the defaults of
 * every account; written under an account they override those. No zod defaults here: "unset" must stay
 * visible so the seed's `inboundWhitelist` / `requireMention` can fill in (see access.ts).
 */
export const accessFields = {
  dmPolicy: dmPolicySchema
    .optional()
    .describe(
      "Direct messages: pairing (strangers get a code the owner approves), allowlist (allowFrom only), open (everyone), disabled. Default pairing, or allowlist when inboundWhitelist is set.",
    ),
  allowFrom: userIds
    .optional()
    .describe('userIDs that may DM the agent (with pairing: approved without a code). "*" means everyone.'),
  groupPolicy: groupPolicySchema
    .optional()
    .describe(
      "Groups: open (any member), allowlist (groupAllowFrom senders only), disabled. Default open, or allowlist when inboundWhitelist is set.",
    ),
  groupAllowFrom: userIds
    .optional()
    .describe("userIDs allowed to reach the agent in groups under groupPolicy allowlist; default allowFrom."),
  groups: z
    .record(z.string().min(1), groupConfigSchema)
    .optional()
    .describe('Per-group settings by OpenIM groupID; "*" is the default for every group.'),
  tools: z
    .strictObject({
      crossAccount: z
        .boolean()
        .optional()
        .describe(
          "true: in a turn that came in on one account, multi_openim_send_* may send from another account. Default false.",
        ),
    })
    .optional()
    .describe("How the multi_openim_send_* tools may be used from this account's turns."),
};

export type ToolPolicy = z.output<typeof toolPolicySchema>;
export type GroupConfig = z.output<typeof groupConfigSchema>;
