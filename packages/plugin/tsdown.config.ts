import { packageBuild } from "../../tsdown.base.ts";

// Node 24: OpenClaw's own minimum (the plugin's engines say >=24.16).
// setup-entry: what read-only commands (security audit) load, without connections.
export default packageBuild(["src/index.ts", "src/setup-entry.ts", "src/doctor-contract-api.ts"], {
  target: "node24",
  deps: {
    // openclaw is the host: the loader resolves openclaw/plugin-sdk/* for installed plugins.
    neverBundle: [/^openclaw(\/|$)/],
    // Workspace packages are bundled (an installed plugin gets no workspace links, and they are not
    // published); everything else must stay a real dependency — the build fails if one slips in.
    alwaysBundle: [/^@multi-openim\//, /^multi-openim$/],
    onlyBundle: [/^@multi-openim\//, /^multi-openim$/],
  },
});
