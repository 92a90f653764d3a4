// The plugin's real-gateway e2e harness, used as it is (packages/plugin owns it). Import this module
// dynamically after ../ts-resolve.ts: its sources import each other by ".js" names.
export { type ChatMessage, startFakeModel, textOf } from "../../../plugin/src/e2e/fake-model.ts";
export {
  gatewayConfig,
  gatewayRunArgs,
  writeGatewayConfig,
} from "../../../plugin/src/e2e/gateway-config.ts";
export { freePort, GatewayProcess } from "../../../plugin/src/e2e/gateway-process.ts";
export { OPENCLAW_BIN, openclawArgs, openclawEnv, PLUGIN_DIR } from "../../../plugin/src/e2e/openclaw-env.ts";
export { startRefreshServer } from "../../../plugin/src/e2e/refresh-server.ts";
export { runCommand } from "../../../plugin/src/e2e/spawn.ts";
