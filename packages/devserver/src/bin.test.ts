import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

// Runs the built bin (like dist.test.ts, it needs `build` first): prints addresses and a token, serves, stops on SIGINT.
test("openim-devserver prints its addresses, serves, and exits 0 on SIGINT", async () => {
  const bin = fileURLToPath(new URL("../dist/bin.mjs", import.meta.url));
  const child = spawn(process.execPath, [bin, "--user", "bot"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bin did not start: ${out}`)), 10_000);
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("running")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const apiAddr = /apiAddr (\S+)/.exec(out)?.[1];
    const token = /token {3}bot (\S+)/.exec(out)?.[1];
    expect(/wsAddr {2}ws:\/\/127\.0\.0\.1:\d+/.test(out)).toBe(true);
    const res = await fetch(`${apiAddr}/user/get_users_info`, {
      method: "POST",
      headers: { "content-type": "application/json", token: token ?? "", operationID: "op" },
      body: JSON.stringify({ userIDs: ["bot"] }),
    });
    expect(
      ((await res.json()) as { data: { usersInfo: { userID: string }[] } }).data.usersInfo[0]?.userID,
    ).toBe("bot");
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
