import { cpus, totalmem } from "node:os";

/** Where the numbers came from: they mean little without the machine. */
export function describeMachine() {
  const cpu = cpus();
  return {
    nproc: cpu.length,
    model: cpu[0]?.model.trim() ?? "unknown",
    node: process.version,
    memGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
  };
}
