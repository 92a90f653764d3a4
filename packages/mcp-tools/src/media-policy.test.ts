import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkMediaSource, DEFAULT_MAX_MEDIA_BYTES } from "./media-policy.js";

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), "mcp-tools-media-"));
  root = path.join(base, "allowed");
  outside = path.join(base, "secret");
  await mkdir(path.join(root, "sub"), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(root, "sub", "photo.png"), Buffer.alloc(1000, 1));
  await writeFile(path.join(root, "empty.txt"), "");
  await writeFile(path.join(outside, "passwd"), "root:x:0:0");
  await writeFile(path.join(base, "allowed-evil.txt"), "sibling with a shared prefix");
  await symlink(path.join(outside, "passwd"), path.join(root, "escape.txt"));
  await symlink(path.join(root, "sub", "photo.png"), path.join(root, "alias.png"));
  await symlink(root, path.join(base, "root-link"));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function messageOf(result: Awaited<ReturnType<typeof checkMediaSource>>): string {
  return "ok" in result ? result.message : "";
}

describe("urls", () => {
  test("http and https pass as sent by reference", async () => {
    expect(await checkMediaSource({ url: "https://cdn.example.com/a b.png" })).toEqual({
      source: { url: "https://cdn.example.com/a%20b.png" },
    });
    expect(await checkMediaSource({ url: "http://127.0.0.1:8080/x" })).toEqual({
      source: { url: "http://127.0.0.1:8080/x" },
    });
  });

  test.each([
    ["file:///etc/passwd", /uses file: only http/],
    ["ftp://example.com/x", /uses ftp/],
    ["javascript:alert(1)", /uses javascript/],
    ["data:image/png;base64,AAAA", /uses data/],
    ["not a url", /not a valid URL/],
    ["https://user:pw@example.com/x.png", /without credentials/],
  ])("%s is refused", async (url, message) => {
    const result = await checkMediaSource({ url });
    expect(result).toMatchObject({ ok: false, code: "MEDIA_REFUSED" });
    expect(messageOf(result)).toMatch(message);
  });
});

describe("local paths", () => {
  const policy = () => ({ allowedRoots: [root] });

  test("with no allowed roots (the default) every path is refused, pointing to url", async () => {
    const result = await checkMediaSource({ path: path.join(root, "sub", "photo.png") });
    expect(result).toMatchObject({ ok: false, code: "MEDIA_REFUSED" });
    expect(messageOf(result)).toMatch(/local files are not enabled.*url/);
  });

  test("a file inside a root passes with its real path and size", async () => {
    const file = path.join(root, "sub", "photo.png");
    expect(await checkMediaSource({ path: file }, policy())).toEqual({ source: { path: file }, size: 1000 });
  });

  test("a symlink inside the root to a file inside it passes, sent by its real path", async () => {
    const result = await checkMediaSource({ path: path.join(root, "alias.png") }, policy());
    expect(result).toEqual({ source: { path: path.join(root, "sub", "photo.png") }, size: 1000 });
  });

  test("a root given through a symlink still admits its files", async () => {
    const result = await checkMediaSource(
      { path: path.join(root, "sub", "photo.png") },
      { allowedRoots: [path.join(base, "root-link")] },
    );
    expect(result).toMatchObject({ size: 1000 });
  });

  test.each([
    ["a file outside every root", () => path.join(outside, "passwd"), /outside the folders/],
    ["a .. escape", () => `${root}/sub/../../secret/passwd`, /outside the folders/],
    ["a sibling folder sharing the root's prefix", () => `${root}-evil.txt`, /outside the folders/],
    ["a symlink inside the root that leads out", () => path.join(root, "escape.txt"), /outside the folders/],
    ["a relative path", () => "sub/photo.png", /absolute file path/],
    ["the root itself", () => root, /outside the folders/],
    ["a folder", () => path.join(root, "sub"), /not a regular file/],
    ["a missing file", () => path.join(root, "nope.png"), /does not name a readable file/],
    ["an empty file", () => path.join(root, "empty.txt"), /file is empty/],
  ])("%s is refused", async (_label, file, message) => {
    const result = await checkMediaSource({ path: file() }, policy());
    expect(result).toMatchObject({ ok: false, code: "MEDIA_REFUSED" });
    expect(messageOf(result)).toMatch(message);
  });

  test("a file over the limit is refused with both sizes; at the limit it passes", async () => {
    const file = path.join(root, "sub", "photo.png");
    const over = await checkMediaSource({ path: file }, { allowedRoots: [root], maxBytes: 999 });
    expect(messageOf(over)).toMatch(/over the 0\.0 MB limit/);
    expect(await checkMediaSource({ path: file }, { allowedRoots: [root], maxBytes: 1000 })).toMatchObject({
      size: 1000,
    });
    expect(DEFAULT_MAX_MEDIA_BYTES).toBe(20 * 1024 * 1024);
  });

  test("refusals never reveal whether a file outside the roots exists", async () => {
    const exists = await checkMediaSource({ path: path.join(outside, "passwd") }, policy());
    const missing = await checkMediaSource({ path: path.join(outside, "nothing") }, policy());
    expect(exists).toEqual(missing);
  });
});

describe("url or path", () => {
  test("both, or neither, is an input error", async () => {
    expect(await checkMediaSource({ url: "https://x.example/a", path: "/a" })).toMatchObject({
      ok: false,
      code: "TOOL_INPUT_INVALID",
    });
    expect(await checkMediaSource({ url: " ", path: "" })).toMatchObject({
      ok: false,
      code: "TOOL_INPUT_INVALID",
    });
  });
});
