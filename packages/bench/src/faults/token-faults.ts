import { readdirSync } from "node:fs";
import { waitUntil } from "../stats.ts";
import { runSingleFault, type SingleFault } from "./single.ts";

const bot = "bot0";
const waitCalls = (rig: Parameters<SingleFault["inject"]>[0], n: number) =>
  waitUntil(() => rig.endpoint.calls.length >= n, 20_000, 20);

/** Token faults on the server side, and the refresh endpoint failing while a token has to be replaced. */
export const tokenFaults: SingleFault[] = [
  { fault: "token expired (1501)", inject: (rig) => rig.serverOf.get(bot)!.expireToken(bot) },
  { fault: "token invalid (1502)", inject: (rig) => rig.serverOf.get(bot)!.invalidateToken(bot) },
  {
    fault: "token expired, first DM from a new peer meanwhile",
    newPeerDuring: true,
    inject: (rig) => rig.serverOf.get(bot)!.expireToken(bot),
  },
  { fault: "kicked (2002)", inject: (rig) => rig.serverOf.get(bot)!.kick(bot) },
  {
    fault: "refresh endpoint 500, then up",
    inject: async (rig) => {
      rig.endpoint.setBehaviour("500");
      rig.serverOf.get(bot)!.expireToken(bot);
      await waitCalls(rig, 3);
    },
    heal: (rig) => {
      rig.endpoint.setBehaviour("ok");
      return `${rig.endpoint.calls.length} calls answered 500 before the endpoint came back`;
    },
  },
  {
    fault: "refresh endpoint timeout, then up",
    rig: { refreshTimeoutMs: 800 },
    inject: async (rig) => {
      rig.endpoint.setBehaviour("timeout");
      rig.serverOf.get(bot)!.expireToken(bot);
      await waitCalls(rig, 2);
    },
    heal: (rig) => {
      rig.endpoint.setBehaviour("ok");
      return `${rig.endpoint.calls.length} calls timed out (800 ms) before the endpoint came back`;
    },
  },
  {
    // Not JSON is terminal by design (no retry can fix a wrong endpoint): the account waits for a login.
    fault: "refresh endpoint bad JSON",
    inject: async (rig) => {
      rig.endpoint.setBehaviour("bad-json");
      rig.serverOf.get(bot)!.expireToken(bot);
      await waitUntil(() => rig.clients[0]!.status().auth === "needs-login", 30_000, 20);
    },
    heal: async (rig) => {
      const client = rig.clients[0]!;
      const state = client.status().auth;
      const marker = readdirSync(rig.dir).some((f) => f.startsWith("manual-login"));
      rig.endpoint.setBehaviour("ok");
      await client.setToken(rig.mint(bot)); // what `multi-openim setup` / an operator does
      return `${state}, marker ${marker ? "written" : "MISSING"}; resumed by setToken`;
    },
  },
];

export const runTokenFaults = () => tokenFaults.map((spec) => () => runSingleFault(spec));
