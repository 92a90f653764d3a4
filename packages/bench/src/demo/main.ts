// `pnpm demo`: the plugin in a real OpenClaw gateway, narrated. Against two local devservers by default;
// `--ws <url> --api <url> --token <jwt>` points one account at a real OpenIM server instead (the token
// may come from $MULTI_OPENIM_TOKEN instead, which keeps it out of `ps`).
// `--keep` leaves everything running and says how to talk to the bot.
import { parseArgs } from "node:util";
import { ensureBuilt } from "../ensure-built.ts";
import { say } from "../quiet-console.ts";
import { DEMO_OPTIONS, demoArgs } from "./args.ts";
import { isStopping } from "./signals.ts";
import "../ts-resolve.ts";

const USAGE = [
  "pnpm demo -- [--keep] [--ws ws://host:10001 --api http://host:10002 --token <bot JWT>]",
  "  the token may come from $MULTI_OPENIM_TOKEN instead of --token (kept out of `ps`)",
];
const parsed = (() => {
  try {
    return parseArgs({ args: demoArgs(process.argv.slice(2)), options: DEMO_OPTIONS });
  } catch (error) {
    say(`[demo] ${(error as Error).message}`);
    for (const line of USAGE) say(line);
    process.exit(2);
  }
})();
const flags = parsed.values;
if (flags.help) {
  for (const line of USAGE) say(line);
  process.exit(0);
}
const token = flags.token ?? (flags.ws || flags.api ? process.env.MULTI_OPENIM_TOKEN : undefined);
const real = flags.ws || flags.api || flags.token;
if (real && !(flags.ws && flags.api && token)) {
  say(
    "[demo] --ws, --api and --token (or $MULTI_OPENIM_TOKEN) go together: the real server's gateway URL, its API URL and the bot's token.",
  );
  process.exit(2);
}

ensureBuilt();
const { createNarrator } = await import("./narrator.ts");
const n = createNarrator();
const { runDemo } = real
  ? await import("./real-server.ts").then((m) => ({
      runDemo: () => m.runRealServerDemo(n, { ws: flags.ws!, api: flags.api!, token: token! }, flags.keep!),
    }))
  : await import("./local.ts").then((m) => ({ runDemo: () => m.runLocalDemo(n, flags.keep!) }));
const ok = await runDemo();
// After Ctrl-C the signal handler exits, once everything is stopped, with its own code.
if (isStopping()) await new Promise(() => undefined);
process.exit(ok ? 0 : 1);
