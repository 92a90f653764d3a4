import { say } from "../quiet-console.ts";
import { renderTable } from "../table.ts";
import { isStopping } from "./signals.ts";

/** The summary's width: it must not wrap in a 100-column terminal. */
export const SUMMARY_WIDTH = 100;
const fitWidth = (line: string) =>
  line.length > SUMMARY_WIDTH ? `${line.slice(0, SUMMARY_WIDTH - 1)}…` : line;

export interface StepResult {
  step: string;
  ok: boolean;
  detail: string;
  ms: number;
}

/** Numbered status lines while the demo runs, and the summary table at the end. */
export function createNarrator() {
  const began = performance.now();
  const results: StepResult[] = [];
  const clock = () => `${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s`;
  let n = 0;
  return {
    results,
    info: (line: string) => say(`${clock()}   ${line}`),
    /** Runs one step: prints what it does, then ✔ or ✘ with its detail; a thrown error is a failed step. */
    async step(title: string, run: () => Promise<string>): Promise<boolean> {
      n += 1;
      say(`${clock()} ▶ ${n}. ${title}`);
      const started = performance.now();
      let ok = true;
      let detail: string;
      try {
        detail = await run();
      } catch (error) {
        ok = false;
        detail = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      }
      if (isStopping()) return false; // Ctrl-C cut it short: not a result
      const ms = performance.now() - started;
      say(`${clock()}   ${ok ? "✔" : "✘"} ${detail}`);
      results.push({ step: `${n}. ${title}`, ok, detail, ms });
      return ok;
    },
    /**
     * The table at the end, at most SUMMARY_WIDTH columns: each step's detail was printed as it ran, so
     * here it shows only for a failed step, under it.
     */
    summary(): string {
      const rows = results.map((r) => [r.ok ? "ok" : "FAILED", `${(r.ms / 1000).toFixed(1)} s`, r.step]);
      const table = renderTable(["result", "time", "step"], rows).split("\n");
      const lines = [table[0]!, table[1]!];
      results.forEach((r, i) => {
        lines.push(table[i + 2]!);
        if (!r.ok) lines.push(`    ✘ ${r.detail}`);
      });
      const failed = results.filter((r) => !r.ok).length;
      lines.push(`${results.length - failed}/${results.length} steps ok in ${clock().trim()}`);
      return lines.map(fitWidth).join("\n");
    },
  };
}
