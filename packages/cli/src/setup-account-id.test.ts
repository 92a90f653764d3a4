import { promises as fs } from "node:fs";
import { afterEach, beforeEach, expect, test } from "vitest";
import { fakeJwt, removeHome, runBin, SAMPLE_CONFIG, sampleHome } from "./test-helpers.js";

// Audit finding (issue 18): `setup --account __proto__ --force` exited 0 and saved nothing.
let home: string;
let file: string;
const token = fakeJwt({ UserID: "alice", PlatformID: 5, exp: 4102444800 });
beforeEach(async () => {
  ({ home, file } = await sampleHome());
});
afterEach(() => removeHome(home));

test.each(["__proto__", "constructor"])(
  "setup --account %s --force is refused and writes nothing",
  async (id) => {
    const args = ["setup", "--non-interactive", "--skip-test", "--force", "--config", file, "--account", id];
    const r = await runBin(
      [...args, "--ws", "ws://127.0.0.1:10001", "--api", "http://127.0.0.1:10002", "--token", token],
      { home },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("reserved name");
    expect(await fs.readFile(file, "utf8")).toBe(SAMPLE_CONFIG);
    expect((await fs.readdir(home)).sort()).toEqual(["openclaw.json"]);
  },
);
