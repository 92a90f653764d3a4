import { promises as fs } from "node:fs";
import path from "node:path";
import JSON5 from "json5";
import writeAtomic from "write-file-atomic";
import { MultiOpenimError } from "./errors.js";

export interface AtomicWriteOptions {
  /** File mode for a new file (default 0o600); an existing file keeps its own mode unless this is set. */
  mode?: number;
}

async function existingMode(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
}

/** Temp file + fsync + rename (write-file-atomic): a crash leaves the old file or the new one, never half of one. */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const mode = options.mode ?? (await existingMode(file)) ?? 0o600;
    await writeAtomic(file, typeof data === "string" ? data : Buffer.from(data), { mode, fsync: true });
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException)?.code ?? (cause instanceof Error ? cause.message : String(cause));
    throw new MultiOpenimError(
      "FILE_WRITE",
      `could not write ${file} (${reason}): check that its folder is writable`,
      {
        cause,
      },
    );
  }
}

const warnedReadable = new Set<string>();

/**
 * A warning, once per file and process, when a file that holds tokens can be read by other users.
 * Its mode is the owner's choice and is kept; the warning names the file and the fix.
 */
export async function readableByOthersWarning(file: string): Promise<string | undefined> {
  let mode: number;
  try {
    mode = (await fs.stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o044) === 0 || warnedReadable.has(file)) return undefined;
  warnedReadable.add(file);
  return `${file} holds tokens and other users can read it (mode 0${mode.toString(8)}): run chmod 600 ${file}`;
}

/** Writes a new private (0600) file, failing with EEXIST rather than writing through anything already there. */
export async function createPrivateFile(file: string, data: string): Promise<void> {
  await fs.writeFile(file, data, { flag: "wx", mode: 0o600 });
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException)?.code === "ENOENT") return undefined;
    throw new MultiOpenimError("FILE_READ", `could not read ${file}: ${(cause as Error).message}`, { cause });
  }
}

function parseWith<T>(parse: (text: string) => unknown, file: string, text: string): T {
  try {
    return parse(text) as T;
  } catch (cause) {
    throw new MultiOpenimError(
      "FILE_READ",
      `${file} is not valid: ${(cause as Error).message}; fix the syntax`,
      { cause },
    );
  }
}

/** Reads a JSON file; undefined when it does not exist. */
export async function readJsonFile<T = unknown>(file: string): Promise<T | undefined> {
  const text = await readText(file);
  return text === undefined ? undefined : parseWith<T>(JSON.parse, file, text);
}

/** Reads a JSON5 file (comments, trailing commas); undefined when it does not exist. */
export async function readJson5File<T = unknown>(file: string): Promise<T | undefined> {
  const text = await readText(file);
  return text === undefined ? undefined : parseWith<T>(JSON5.parse, file, text);
}
