// The real-gateway e2e harness the plugin's e2e tests use, as it is (packages/testkit owns it).
export {
  type ChatMessage,
  freePort,
  GatewayProcess,
  gatewayConfig,
  gatewayRunArgs,
  OPENCLAW_BIN,
  openclawArgs,
  openclawEnv,
  PLUGIN_DIR,
  runCommand,
  startFakeModel,
  startRefreshServer,
  textOf,
  writeGatewayConfig,
} from "@multi-openim/testkit";
