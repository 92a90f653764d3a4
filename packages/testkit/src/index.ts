// Shared test fixtures: one place for what plugin e2e tests, client tests and the bench all need.
export { accountOn, channelConfig, freshToken } from "./accounts.js";
export { type ChatMessage, type ModelAnswer, startFakeModel, textOf } from "./fake-model.js";
export {
  type GatewayConfigOptions,
  gatewayConfig,
  gatewayRunArgs,
  snapshotPlugin,
  writeGatewayConfig,
} from "./gateway-config.js";
export { freePort, GatewayProcess } from "./gateway-process.js";
export { type JournalEntryOnDisk, readJournalFile } from "./journal-file.js";
export { OPENCLAW_BIN, openclawArgs, openclawEnv, PLUGIN_DIR } from "./openclaw-env.js";
export { hasRedisServer, type RedisServer, startRedisServer } from "./redis-server.js";
export { startRefreshServer } from "./refresh-server.js";
export { killGroup, type RunResult, runCommand } from "./spawn.js";
