import { accountIdProblem, formatTarget, parseTarget } from "@multi-openim/core";
import { type ToolFailure, toolFailure } from "./outcome.js";
import type { Sender } from "./sender.js";

function listed(ids: string[]): string {
  return ids.length > 0 ? ids.map((id) => JSON.stringify(id)).join(", ") : "(none configured)";
}

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : String(value);
}

/** The account must be named explicitly, configured, and connected: there is no default account. */
export function checkAccount(sender: Sender, accountId: unknown): ToolFailure | null {
  const known = sender.knownAccounts();
  if (accountId === undefined || accountId === null || accountId === "") {
    return toolFailure(
      "TOOL_INPUT_INVALID",
      `accountId is required (there is no default account): pass one of ${listed(known)}.`,
    );
  }
  if (typeof accountId !== "string") {
    return toolFailure("TOOL_INPUT_INVALID", `accountId must be a string: pass one of ${listed(known)}.`);
  }
  const problem = accountIdProblem(accountId);
  if (problem) {
    return toolFailure(
      "ACCOUNT_ID_INVALID",
      `accountId ${shown(accountId)} ${problem}: pass one of ${listed(known)}.`,
    );
  }
  const id = accountId;
  if (!known.includes(id)) {
    return toolFailure(
      "ACCOUNT_UNKNOWN",
      `accountId ${shown(id)} is not a configured account: pass one of ${listed(known)}.`,
    );
  }
  if (!sender.isConnected(id)) {
    const connected = known.filter((other) => other !== id && sender.isConnected(other));
    const alternatives =
      connected.length > 0 ? `, or send from a connected account: ${listed(connected)}` : "";
    return toolFailure(
      "NOT_CONNECTED",
      `account ${shown(id)} is not connected to its OpenIM server right now (logging in, refreshing its token, or waiting for a manual login): try again later${alternatives}.`,
    );
  }
  return null;
}

/** Parses `to` into its normalized form ("user:ID" / "group:ID"), or explains the format. */
export function checkTarget(to: unknown): { to: string } | ToolFailure {
  if (typeof to !== "string" || to.trim() === "") {
    return toolFailure(
      "TOOL_INPUT_INVALID",
      'to is required: "user:<userID>" for a direct chat or "group:<groupID>" for a group.',
    );
  }
  const target = parseTarget(to);
  if (!target) {
    return toolFailure(
      "TARGET_INVALID",
      `to ${shown(to)} is not a target: use "user:<userID>" for a direct chat or "group:<groupID>" for a group (no spaces in the id).`,
    );
  }
  return { to: formatTarget(target) };
}

export function checkText(text: unknown): { text: string } | ToolFailure {
  if (typeof text !== "string" || text.trim() === "") {
    return toolFailure("TOOL_INPUT_INVALID", "text is empty: pass the message text to send.");
  }
  return { text };
}

/** Optional string fields (caption, fileName): absent is fine, a non-string is a mistake worth naming. */
export function checkOptionalString(field: string, value: unknown): { value?: string } | ToolFailure {
  if (value === undefined || value === null) return {};
  if (typeof value !== "string") {
    return toolFailure("TOOL_INPUT_INVALID", `${field} must be a string when given; leave it out otherwise.`);
  }
  return value.trim() === "" ? {} : { value };
}
