import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, expect, test } from "vitest";
import { readJson5File, readJsonFile, writeFileAtomic } from "./files.js";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "mo-core-files-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test("a new file is private (0600) and its folder is created", async () => {
  const file = path.join(dir, "nested", "state.json");
  await writeFileAtomic(file, '{"a":1}');
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  expect(await readJsonFile(file)).toEqual({ a: 1 });
});

test("an existing file keeps its mode; an explicit mode wins", async () => {
  const file = path.join(dir, "f.json");
  await fs.writeFile(file, "{}", { mode: 0o640 });
  await fs.chmod(file, 0o640);
  await writeFileAtomic(file, "{}");
  expect((await fs.stat(file)).mode & 0o777).toBe(0o640);
  await writeFileAtomic(file, "{}", { mode: 0o600 });
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
});

test("a crash before the rename leaves the target intact and only a temp file behind", async () => {
  const file = path.join(dir, "openclaw.json");
  await fs.writeFile(file, '{"old":true}');
  const dist = fileURLToPath(new URL("../dist/index.mjs", import.meta.url));
  // The child dies (SIGKILL) the moment the temp file is about to be renamed over the target.
  const script = `
    import fs from "node:fs";
    fs.rename = () => process.kill(process.pid, "SIGKILL");
    const { writeFileAtomic } = await import(${JSON.stringify(dist)});
    await writeFileAtomic(${JSON.stringify(file)}, '{"new":true}');
  `;
  const result = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]).catch(
    (e) => e,
  );
  expect(result.signal).toBe("SIGKILL");
  expect(await fs.readFile(file, "utf8")).toBe('{"old":true}');
  const left = (await fs.readdir(dir)).filter((f) => f !== "openclaw.json");
  expect(left).toHaveLength(1);
  expect(await fs.readFile(path.join(dir, left[0]!), "utf8")).toBe('{"new":true}');
});

test("a write into an unwritable place is FILE_WRITE naming the file", async () => {
  const blocker = path.join(dir, "not-a-dir");
  await fs.writeFile(blocker, "x");
  await expect(writeFileAtomic(path.join(blocker, "f.json"), "{}")).rejects.toMatchObject({
    code: "FILE_WRITE",
    message: expect.stringContaining("not-a-dir"),
  });
});

test("reads JSON and JSON5; missing is undefined; bad syntax is FILE_READ", async () => {
  const file = path.join(dir, "c.json5");
  await fs.writeFile(file, "{ // comment\n a: 1, }");
  expect(await readJson5File(file)).toEqual({ a: 1 });
  expect(await readJsonFile(path.join(dir, "missing.json"))).toBeUndefined();
  await expect(readJsonFile(file)).rejects.toMatchObject({ code: "FILE_READ" });
});
