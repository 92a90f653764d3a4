import { chmod, chown, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { resolveMediaSource } from "./media.js";
import { defaultMediaRoots } from "./media-roots.js";

// Audit findings (issue 18): roots that are symlinks, foreign or world-writable; no size or type check.
let dir: string;
let root: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mo-media-roots-"));
  root = join(dir, "media");
  outside = join(dir, "elsewhere");
  await mkdir(root, { mode: 0o700 });
  await mkdir(outside, { mode: 0o700 });
  await writeFile(join(outside, "openclaw.json"), "{ token: 'SECRET' }");
  await writeFile(join(root, "cat.png"), "png");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a file inside a private root of this user is sent by its real path", async () => {
  expect(await resolveMediaSource(join(root, "cat.png"), [root])).toEqual({ path: join(root, "cat.png") });
});

test("a root that is itself a symlink (e.g. <stateDir>/media → /) is not trusted", async () => {
  const linked = join(dir, "linked-media");
  await symlink(outside, linked);
  await expect(resolveMediaSource(join(linked, "openclaw.json"), [linked])).rejects.toMatchObject({
    code: "MEDIA_REFUSED",
  });
  await symlink("/", join(dir, "slash"));
  await expect(
    resolveMediaSource(join(dir, "slash", "etc", "hostname"), [join(dir, "slash")]),
  ).rejects.toMatchObject({
    code: "MEDIA_REFUSED",
  });
});

test("a root writable by others is not trusted", async () => {
  await chmod(root, 0o777);
  await expect(resolveMediaSource(join(root, "cat.png"), [root])).rejects.toMatchObject({
    code: "MEDIA_REFUSED",
  });
});

test.skipIf(process.getuid?.() !== 0)("a root owned by another user is not trusted", async () => {
  await chown(root, 4242, 4242);
  await expect(resolveMediaSource(join(root, "cat.png"), [root])).rejects.toMatchObject({
    code: "MEDIA_REFUSED",
  });
});

test("mediaMaxMb applies to local files, checked before anything is read; only regular files go", async () => {
  const huge = join(root, "huge.bin");
  await writeFile(huge, "");
  await truncate(huge, 3 * 1024 * 1024 * 1024); // sparse: 3 GB on paper, nothing on disk
  const started = Date.now();
  await expect(resolveMediaSource(huge, [root], 1024 * 1024)).rejects.toMatchObject({
    code: "MEDIA_REFUSED",
    message: expect.stringMatching(/over the mediaMaxMb limit/),
  });
  expect(Date.now() - started).toBeLessThan(1000);
  await mkdir(join(root, "folder"));
  await expect(resolveMediaSource(join(root, "folder"), [root])).rejects.toMatchObject({
    message: expect.stringMatching(/not a regular file/),
  });
});

test("the default roots are OpenClaw's media store and its per-user temp dir, never a bare shared tmp path", () => {
  const roots = defaultMediaRoots("/state");
  expect(roots[0]).toBe("/state/media");
  // /tmp/openclaw only when it is this user's private dir (OpenClaw's rule), else the per-user fallback.
  expect(roots[1]).toMatch(/^\/tmp\/openclaw$|\/openclaw-\d+$/);
  expect(roots).toHaveLength(2);
});
