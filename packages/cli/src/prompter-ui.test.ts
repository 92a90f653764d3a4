import { type DevServer, startDevServer } from "@multi-openim/devserver";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { WizardPrompterLike } from "./prompter-ui.js";
import { answersFromPrompter } from "./setup-openclaw.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ host: "127.0.0.1", wsPort: 0, apiPort: 0 });
  server.registerUser("onboard-bot");
});
afterAll(async () => {
  await server?.close();
});

/** OpenClaw's prompter as `channels add` / `onboard` drive it, answering by question; it records what was asked. */
function scriptedPrompter(answers: [RegExp, unknown][]) {
  const asked: string[] = [];
  const notes: string[] = [];
  const answer = (message: string, fallback: unknown) => {
    asked.push(message);
    const hit = answers.find(([re]) => re.test(message));
    return hit ? hit[1] : fallback;
  };
  const prompter: WizardPrompterLike = {
    note: async (message) => void notes.push(message),
    text: async (p) => {
      const value = String(answer(p.message, p.initialValue ?? ""));
      const problem = p.validate?.(value);
      if (problem) throw new Error(`${p.message}: ${problem}`);
      return value;
    },
    confirm: async (p) => Boolean(answer(p.message, p.initialValue)),
    select: async (p) => answer(p.message, p.initialValue) as never,
    progress: () => ({ update: () => {}, stop: (m?: string) => void (m && notes.push(m)) }),
  };
  return { prompter, asked, notes };
}

test("OpenClaw's prompter gets the same questions, the real connection test, and who-may-talk answers", async () => {
  const token = server.mintToken("onboard-bot", { expiresInSec: 3600 });
  const { prompter, asked, notes } = scriptedPrompter([
    [/WebSocket address/, server.wsAddr],
    [/REST address/, server.apiAddr],
    [/OpenIM token/, token],
    [/Configure token refresh/, false],
    [/Who may talk/, "allowlist"],
    [/allowed to DM/, "alice, bob"],
    [/@-mentioned/, false],
  ]);
  const answers = await answersFromPrompter(prompter, "onboard", {
    configPath: "/x/openclaw.json",
    accounts: {},
    channel: undefined,
  });
  expect(notes).toContain("connected as onboard-bot");
  expect(asked.some((m) => m.startsWith("Who may talk to the bot"))).toBe(true);
  expect(answers.accountId).toBe("onboard");
  expect(answers.fields).toMatchObject({
    token,
    wsAddr: server.wsAddr,
    apiAddr: server.apiAddr,
    dmPolicy: "allowlist",
    allowFrom: ["alice", "bob"],
    requireMention: false,
  });
  expect(JSON.stringify(notes)).not.toContain(token);
});

test("'No' to replacing an existing account stops with STOPPED and nothing answered", async () => {
  const { prompter } = scriptedPrompter([[/Replace it\?/, false]]);
  await expect(
    answersFromPrompter(prompter, "taken", { configPath: "/x", accounts: { taken: {} }, channel: undefined }),
  ).rejects.toMatchObject({ code: "STOPPED" });
});
