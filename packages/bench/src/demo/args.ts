// The demo's flags. `pnpm demo -- --keep`, as the README writes it, reaches the demo as
// ["--", "--keep"] (pnpm 10 passes the `--` on) and parseArgs would take "--keep" for a positional:
// leading "--" separators are dropped, so `pnpm demo --keep` and `pnpm demo -- --keep` are the same.
export const DEMO_OPTIONS = {
  keep: { type: "boolean", default: false },
  ws: { type: "string" },
  api: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", default: false },
} as const;

export function demoArgs(argv: readonly string[]): string[] {
  let start = 0;
  while (argv[start] === "--") start++;
  return argv.slice(start);
}
