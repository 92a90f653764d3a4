import { say } from "../quiet-console.ts";
import { renderTable } from "../table.ts";

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
      const ms = performance.now() - started;
      say(`${clock()}   ${ok ? "✔" : "✘"} ${detail}`);
      results.push({ step: `${n}. ${title}`, ok, detail, ms });
      return ok;
    },
    summary(): string {
      const table = renderTable(
        ["step", "result", "time", "detail"],
        results.map((r) => [r.step, r.ok ? "ok" : "FAILED", `${(r.ms / 1000).toFixed(1)} s`, r.detail]),
      );
      const failed = results.filter((r) => !r.ok).length;
      return `${table}\n${results.length - failed}/${results.length} steps ok in ${clock().trim()}`;
    },
  };
}
