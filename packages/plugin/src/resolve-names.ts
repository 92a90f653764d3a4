import { MultiOpenimError } from "@multi-openim/core";
import type { DirectoryEntry, DirectoryTransport } from "./directory.js";
import { normalizeTarget } from "./targets.js";

type Kind = "user" | "group";

export type NameMatch =
  | { kind: "none" }
  | { kind: "single"; entry: DirectoryEntry }
  | { kind: "ambiguous"; entries: DirectoryEntry[] };

/** Exact name or id first (case-insensitive); only when nothing is exact, names containing the input. */
export function matchName(entries: DirectoryEntry[], input: string): NameMatch {
  const q = input.trim().toLowerCase();
  const exact = entries.filter((e) => [e.name, e.handle].some((v) => v?.toLowerCase() === q));
  const found = exact.length > 0 ? exact : entries.filter((e) => e.name?.toLowerCase().includes(q));
  if (found.length === 0) return { kind: "none" };
  if (found.length === 1) return { kind: "single", entry: found[0]! };
  return { kind: "ambiguous", entries: found };
}

export const describeCandidates = (entries: DirectoryEntry[]) =>
  entries
    .slice(0, 10)
    .map((e) => `${e.id} (${e.name ?? e.handle ?? ""})`)
    .join(", ");

/**
 * Names → targets for one account, from its directory (peers: members of its groups; groups: its joined
 * groups). `user:<id>` / `group:<id>` pass through; a name must match one entry.
 */
export function createNameResolver(transport: DirectoryTransport) {
  const lookup = async (accountId: string, input: string, kinds: Kind[]): Promise<NameMatch> => {
    const entries: DirectoryEntry[] = [];
    for (const kind of kinds) {
      const op = kind === "user" ? "peers" : "groups";
      entries.push(...((await transport({ op, accountId, query: input })) as DirectoryEntry[]));
    }
    return matchName(entries, input);
  };

  /** `messaging.targetResolver.resolveTarget`: OpenClaw's fallback after its own directory lookup found nothing. */
  const resolveTarget = async (params: {
    accountId?: string | null;
    input: string;
    preferredKind?: string;
  }) => {
    const accountId = String(params.accountId ?? "").trim();
    if (!accountId || normalizeTarget(params.input)) return null;
    const kinds: Kind[] =
      params.preferredKind === "user"
        ? ["user"]
        : params.preferredKind === "group"
          ? ["group"]
          : ["user", "group"];
    const match = await lookup(accountId, params.input, kinds);
    if (match.kind === "none") return null;
    if (match.kind === "ambiguous") {
      throw new MultiOpenimError(
        "TARGET_INVALID",
        `[multi-openim] ambiguous target ${JSON.stringify(params.input)} on account "${accountId}": ${describeCandidates(match.entries)}; use one of these ids`,
      );
    }
    const { entry } = match;
    return {
      to: entry.id,
      kind: entry.kind,
      ...(entry.name ? { display: entry.name } : {}),
      source: "directory" as const,
    };
  };

  /** OpenClaw's `resolver.resolveTargets` (`openclaw channels resolve`): one result per input, candidates in the note. */
  const resolveTargets = async (params: { accountId?: string | null; inputs: string[]; kind: Kind }) => {
    const accountId = String(params.accountId ?? "").trim();
    const results = [];
    for (const input of params.inputs) {
      const direct = normalizeTarget(input);
      if (direct) {
        results.push({ input, resolved: true, id: direct });
        continue;
      }
      if (!accountId) {
        results.push({ input, resolved: false, note: "accountId is required (no default fallback)" });
        continue;
      }
      const match = await lookup(accountId, input, [params.kind]);
      if (match.kind === "single")
        results.push({
          input,
          resolved: true,
          id: match.entry.id,
          ...(match.entry.name ? { name: match.entry.name } : {}),
        });
      else if (match.kind === "ambiguous")
        results.push({ input, resolved: false, note: `ambiguous: ${describeCandidates(match.entries)}` });
      else results.push({ input, resolved: false, note: `no ${params.kind} named ${JSON.stringify(input)}` });
    }
    return results;
  };

  return { resolveTarget, resolveTargets };
}
