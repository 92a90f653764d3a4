import { describe, expect, test } from "vitest";
import { parseMcpArgs } from "./args.js";

describe("parseMcpArgs", () => {
  test("defaults: every account, URLs only, config resolved later", () => {
    expect(parseMcpArgs([])).toEqual({
      configPath: undefined,
      accounts: [],
      allowRoots: [],
      maxBytes: undefined,
      help: false,
    });
  });

  test("repeatable --account and --allow-root, --config and --max-bytes", () => {
    const args = parseMcpArgs([
      "--config",
      "/etc/oc.json",
      "--account",
      "primary",
      "--account=team-b",
      "--allow-root",
      "/srv/media",
      "--max-bytes",
      "1048576",
    ]);
    expect(args).toMatchObject({
      configPath: "/etc/oc.json",
      accounts: ["primary", "team-b"],
      allowRoots: ["/srv/media"],
      maxBytes: 1048576,
    });
  });

  test.each([
    [["--acount", "x"], /Unknown option '--acount'/],
    [["stray"], /Unexpected argument 'stray'/],
    [["--allow-root", "media"], /--allow-root "media" must be an absolute folder/],
    [["--max-bytes", "20MB"], /--max-bytes "20MB" must be a positive whole number/],
    [["--max-bytes", "0"], /must be a positive/],
  ])("%j is a usage error with the usage text", (argv, message) => {
    let error: unknown;
    try {
      parseMcpArgs(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "CLI_USAGE" });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain("Usage: multi-openim-mcp");
  });
});
