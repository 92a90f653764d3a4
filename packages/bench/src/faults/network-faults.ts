import { runSingleFault, type SingleFault } from "./single.ts";

const bot = "bot0";

/** The connection, not the token: drops, a restart, a slow server. */
export const networkFaults: SingleFault[] = [
  { fault: "server drops the connection", inject: (rig) => rig.serverOf.get(bot)!.dropConnections(bot) },
  { fault: "server restart", inject: (rig) => rig.serverOf.get(bot)!.restart() },
  {
    fault: "slow server (2 s per reply) + drop",
    inject: (rig) => {
      const server = rig.serverOf.get(bot)!;
      server.setLatency(2000);
      server.dropConnections(bot);
    },
    recoverWithinMs: 60_000,
    heal: () => "latency stays on until the counts are taken",
  },
];

export const runNetworkFaults = () => networkFaults.map((spec) => () => runSingleFault(spec));
