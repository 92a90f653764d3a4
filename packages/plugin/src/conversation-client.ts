import type { Target } from "@multi-openim/core";

/** The OpenIM conversation id of a target, as the account sees it: si_<sorted ids> / sg_<groupID>. */
export function conversationIdFor(selfUserID: string, target: Target): string {
  if (target.kind === "group") return `sg_${target.id}`;
  const [a, b] = [selfUserID, target.id].sort();
  return `si_${a}_${b}`;
}
