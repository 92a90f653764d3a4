import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { MultiOpenimError, readJsonFile, writeFileAtomic } from "@multi-openim/core";
import lockfile from "proper-lockfile";

/** Who holds an account, written beside its lease so a refused process can say so. */
export interface LeaseHolder {
  holder: string;
  pid: number;
  host: string;
  /** ms epoch. */
  since: number;
  /** How to send through this holder instead of logging in a second time. */
  sendHint: string;
}

export interface AccountLeaseOptions {
  /** Folder of the leases, e.g. `<OpenClaw state dir>/multi-openim/leases`. */
  dir: string;
  /** Names this process in the refusal others print, e.g. "openclaw gateway" or "multi-openim-mcp". */
  holder: string;
  /** How others send through this process, e.g. `openclaw message send --channel multi-openim --account a …`. */
  sendHint?: (accountId: string) => string;
  /** A holder that stopped its heartbeat this long ago (killed) loses the lease, ms. Min 2000. Default 15000. */
  staleMs?: number;
  onLost?: (accountId: string, error: Error) => void;
}

export interface AccountLease {
  accountId: string;
  release(): Promise<void>;
  /** Aborted when the lease is lost (its heartbeat failed, another process took it): stop using the account. */
  lost: AbortSignal;
}

export const gatewaySendHint = (accountId: string) =>
  `openclaw message send --channel multi-openim --account ${accountId} --target user:<ID> -m "<text>"`;

/**
 * One process per account: the lease is a `proper-lockfile` lock whose mtime is the heartbeat (kept fresh
 * while held, so a killed holder's lease goes stale). Another process asking for a held account gets
 * ACCOUNT_HELD naming the holder and how to send through it: it does not log in, so nobody is kicked.
 */
export async function acquireAccountLease(
  accountId: string,
  options: AccountLeaseOptions,
): Promise<AccountLease> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const target = join(options.dir, accountId);
  const holderFile = join(options.dir, `${accountId}.holder.json`);
  let release: () => Promise<void>;
  const lost = new AbortController();
  try {
    release = await lockfile.lock(target, {
      realpath: false,
      stale: Math.max(2000, options.staleMs ?? 15_000),
      onCompromised: (error) => {
        lost.abort(error);
        options.onLost?.(accountId, error);
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    const held = await readJsonFile<LeaseHolder>(holderFile).catch(() => undefined);
    throw new MultiOpenimError("ACCOUNT_HELD", heldMessage(accountId, held));
  }
  const record: LeaseHolder = {
    holder: options.holder,
    pid: process.pid,
    host: hostname(),
    since: Date.now(),
    sendHint: (options.sendHint ?? gatewaySendHint)(accountId),
  };
  await writeFileAtomic(holderFile, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return {
    accountId,
    release: () => release().catch(() => undefined),
    lost: lost.signal,
  };
}

function heldMessage(accountId: string, held: LeaseHolder | undefined): string {
  const who = held
    ? `${held.holder} (pid ${held.pid} on ${held.host}, since ${new Date(held.since).toISOString()})`
    : "another process";
  const how = held?.sendHint ?? gatewaySendHint(accountId);
  return `account "${accountId}" is held by ${who}; not logging in here, so nobody is kicked. Send through the holder: ${how}, or stop it first.`;
}
