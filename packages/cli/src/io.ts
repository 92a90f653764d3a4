import type { Readable, Writable } from "node:stream";

/** Where the CLI reads and writes; tests and the plugin mount pass their own, the bin passes the process's. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

export function writeLine(stream: Writable, line = ""): void {
  stream.write(`${line}\n`);
}

/** Reads a whole stream as UTF-8 (for `--from-json -` and `--token-file -`). */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
