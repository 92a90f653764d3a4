import type { ServerContext } from "./context.js";
import type { Connection, Gateway } from "./gateway.js";
import { full, PbCoder } from "./pb.js";
import { type Conversation, type MsgData, SessionType, singleConversationID } from "./state.js";

/** OpenIM's typing message (the SDK's `changeInputStates`), content `{"msgTips":"yes"|"no"}`. */
export const TYPING_CONTENT_TYPE = 113;

/** One typing state a client sent, as tests observe it. */
export interface InputStateRecord {
  conversationID: string;
  sendID: string;
  recvID: string;
  groupID: string;
  /** true: "typing…" shown; false: cleared. */
  focus: boolean;
  at: number;
}

/**
 * What a real OpenIM server does with a typing message: every storage option is off (the SDK sends
 * them off, the server forces them off for 113), so it gets no seq, is never stored or pulled, and is
 * pushed only to the recipients' online sockets (not back to the sending one). Checked like any send.
 */
export function relayTyping(ctx: ServerContext, gw: Gateway, from: Connection, input: MsgData): MsgData {
  const group = input.sessionType === SessionType.Group;
  const conversationID = group ? `sg_${input.groupID}` : singleConversationID(input.sendID, input.recvID);
  let tips = "";
  try {
    tips = String(JSON.parse(Buffer.from(input.content).toString("utf8"))?.msgTips ?? "");
  } catch {
    // A malformed typing message is relayed as "no": the receiving SDK then clears the state.
  }
  const msg = full(PbCoder.MsgData, {
    ...input,
    seq: 0,
    sendTime: Date.now(),
    serverMsgID: `typing-${Date.now()}-${ctx.state.inputStates.length + 1}`,
    status: 2,
  });
  ctx.state.inputStates.push({
    conversationID,
    sendID: input.sendID,
    recvID: input.recvID,
    groupID: input.groupID,
    focus: tips === "yes",
    at: msg.sendTime,
  });
  const recipients = group
    ? (ctx.state.groups.get(input.groupID)?.memberIDs ?? [])
    : [input.recvID, input.sendID];
  const conv = { conversationID } as Conversation;
  gw.pushToUsers(new Set(recipients), conv, msg, from);
  return msg;
}
