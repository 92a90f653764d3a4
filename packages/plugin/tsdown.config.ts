import { packageBuild } from "../../tsdown.base.ts";
import { writeBundledLicenses } from "./tsdown.licenses.ts";

/**
 * Third-party packages inlined into dist instead of declared as dependencies. OpenClaw copies (and
 * hashes, file by file) the plugin's folder and the whole package of every declared dependency, with its
 * own dependencies, into a capture directory each time it loads the plugin — three times per gateway
 * start in 2026.9.6 (the doctor's state-migration check loads the setup entry, the gateway and the agent
 * runtime each load the runtime entry). A CPU
 * profile of a start put ~80 % of the plugin's cost there (5,076 files in 112 packages, 3,662 of them
 * @modelcontextprotocol/sdk's, which the gateway never uses). Inlined and tree-shaken, only the OpenIM
 * SDK (GPL-3.0, kept a real dependency) is left to copy.
 */
const INLINED = [
  "zod",
  "jose",
  "json5",
  "write-file-atomic",
  "signal-exit",
  "@sinclair/typebox",
  "commander",
  "@clack/prompts",
  "@clack/core",
  "fast-string-width",
  "fast-wrap-ansi",
  "fast-string-truncated-width",
  "sisteransi",
  "diff",
  "ipaddr.js",
  // token-refresh's cross-process locks.
  "proper-lockfile",
  "graceful-fs",
  "retry",
  // The fleet store's Redis client (a chunk of its own, imported only when store.kind is "redis"): as a
  // declared dependency it and its dependencies were 190 of the ~300 files every plugin load copied.
  "ioredis",
  "@ioredis/commands",
  "debug",
  "ms",
  "denque",
  "redis-errors",
  "standard-as-callback",
];

// Node 24: OpenClaw's own minimum (the plugin's engines say >=24.16).
// setup-entry: what read-only commands (security audit) load, without connections.
export default packageBuild(["src/index.ts", "src/setup-entry.ts", "src/doctor-contract-api.ts"], {
  target: "node24",
  // Inlined CommonJS packages read __filename (write-file-atomic names its temp files with it): ESM has none.
  shims: true,
  deps: {
    // openclaw is the host: the loader resolves openclaw/plugin-sdk/* for installed plugins.
    neverBundle: [/^openclaw(\/|$)/, /^@openim\/client-sdk(\/|$)/],
    // Workspace packages are bundled (an installed plugin gets no workspace links, and they are not
    // published), and so are the small pure-JS packages above; anything else must stay a real
    // dependency — the build fails if one slips in.
    alwaysBundle: [/^@multi-openim\//, /^multi-openim$/, ...INLINED],
    onlyBundle: [/^@multi-openim\//, /^multi-openim$/, ...INLINED],
  },
  onSuccess: () => writeBundledLicenses(INLINED, new URL("./dist/THIRD-PARTY-LICENSES.txt", import.meta.url)),
});
