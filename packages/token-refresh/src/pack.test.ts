import { execFile } from "node:child_process";
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { makeTempDir, type TempDir } from "./test-fixtures.js";

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const coreDir = fileURLToPath(new URL("../../core", import.meta.url));
let tmp: TempDir | undefined;
afterAll(async () => {
  await tmp?.remove();
});

async function pack(dir: string, into: string): Promise<string> {
  // pnpm pack rewrites workspace:^ and catalog: into plain versions, as publishing does.
  const before = new Set(await readdir(into));
  await run("npx", ["-y", "pnpm@10", "pack", "--pack-destination", into], { cwd: dir, timeout: 60_000 });
  const tarball = (await readdir(into)).find((f) => f.endsWith(".tgz") && !before.has(f));
  if (!tarball) throw new Error(`pnpm pack in ${dir} produced no tarball`);
  return join(into, tarball);
}

test("the packed tarball installs into an empty project and the README example runs there on Node 22", {
  timeout: 180_000,
}, async () => {
  tmp = await makeTempDir();
  const coreTgz = await pack(coreDir, tmp.path);
  const ownTgz = await pack(pkgDir, tmp.path);
  const manifest = JSON.parse((await run("tar", ["-xzOf", ownTgz, "package/package.json"])).stdout);
  expect(manifest.dependencies).toEqual({
    "@multi-openim/core": expect.stringMatching(/^\^?\d+\.\d+\.\d+$/),
    ioredis: expect.stringMatching(/^\^?\d+\.\d+\.\d+$/),
    "proper-lockfile": expect.stringMatching(/^\^?\d+\.\d+\.\d+$/),
  });
  const listing = (await run("tar", ["-tzf", ownTgz])).stdout;
  expect(listing).toContain("package/examples/keep-fresh.mjs");
  expect(listing).toContain("package/README.md");
  expect(listing).not.toContain(".test.");

  const project = tmp.join("project");
  await mkdir(project);
  await writeFile(join(project, "package.json"), '{"name":"user-project","private":true,"type":"module"}');
  // Both tarballs at once: the local core satisfies token-refresh's ^range, so nothing unpublished is fetched.
  await run("npm", ["install", "--no-audit", "--no-fund", coreTgz, ownTgz, "node@22"], {
    cwd: project,
    timeout: 150_000,
  });
  await copyFile(
    join(project, "node_modules/@multi-openim/token-refresh/examples/keep-fresh.mjs"),
    join(project, "keep-fresh.mjs"),
  );
  const node22 = join(project, "node_modules", ".bin", "node");
  const { stdout } = await run(node22, ["-e", "console.log(process.version)"], { cwd: project });
  expect(stdout.trim()).toMatch(/^v22\./);
  const example = await run(node22, ["keep-fresh.mjs"], { cwd: project, timeout: 30_000 });
  expect(example.stdout).toContain("token ok; rotated refresh token saved: true");
  expect(example.stdout).toMatch(/next refresh in 5[45] minutes/);
});
