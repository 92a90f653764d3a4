export { createEchoRuntime, type DispatchLike, type EchoRuntimeOptions } from "./echo-runtime.ts";
export { report, verdict } from "./faults/report.ts";
export { type FaultRow, rowFails } from "./faults/row.ts";
export { createLogCapture, type LogCapture } from "./log-capture.ts";
export { describeMachine } from "./machine.ts";
export { type RefreshBehaviour, type RefreshEndpoint, startRefreshEndpoint } from "./refresh-endpoint.ts";
export { fmt, percentile, type Spread, spread, waitUntil } from "./stats.ts";
export { renderTable } from "./table.ts";
