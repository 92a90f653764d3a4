import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL("..", import.meta.url));
let tmp: string | undefined;
afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

// The published tarball (catalog: and workspace: ranges rewritten by pnpm pack) must work for a user on Node 22.
test("the packed tarball installs into an empty project and imports on Node 22", {
  timeout: 240_000,
}, async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "mo-core-pack-"));
  await run("npx", ["-y", "pnpm@10", "pack", "--pack-destination", tmp], { cwd: pkgDir });
  const tarball = (await fs.readdir(tmp)).find((f) => f.endsWith(".tgz"))!;
  const manifest = JSON.parse(
    (await run("tar", ["-xzOf", path.join(tmp, tarball), "package/package.json"])).stdout,
  ) as { dependencies: Record<string, string> };
  expect(JSON.stringify(manifest.dependencies)).not.toMatch(/catalog:|workspace:/);

  const project = path.join(tmp, "project");
  await fs.mkdir(project);
  await fs.writeFile(
    path.join(project, "package.json"),
    '{"name":"user-project","private":true,"type":"module"}',
  );
  await run("npm", ["install", "--no-audit", "--no-fund", path.join(tmp, tarball), "node@22"], {
    cwd: project,
  });
  const node22 = path.join(project, "node_modules", ".bin", "node");
  const script = `
    import { resolveAccounts, validateChannelConfig } from "@multi-openim/core";
    const token = "eyJhbGciOiJIUzI1NiJ9." + Buffer.from(JSON.stringify({ UserID: "bot" })).toString("base64url") + ".c2ln";
    const { config } = validateChannelConfig({ accounts: { primary: { token, wsAddr: "ws://h:1", apiAddr: "http://h:2" } } });
    console.log(process.version, resolveAccounts(config).accounts[0].userID);
  `;
  const { stdout } = await run(node22, ["--input-type=module", "-e", script], { cwd: project });
  expect(stdout.trim()).toMatch(/^v22\.\d+\.\d+ bot$/);
});
