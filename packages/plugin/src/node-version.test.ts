import { expect, test } from "vitest";
import { nodeVersionProblem, withNodeCheck } from "./node-version.js";

test("the plugin's register refuses a Node older than 24.16 in one line with the fix, and passes newer ones", () => {
  expect(nodeVersionProblem("24.16.0")).toBeUndefined();
  expect(nodeVersionProblem("24.21.0")).toBeUndefined();
  expect(nodeVersionProblem("26.1.0")).toBeUndefined();
  expect(nodeVersionProblem("24.15.1")).toMatch(
    /^\[multi-openim\] needs Node >= 24\.16\.0 \(this gateway runs v24\.15\.1\): run OpenClaw with Node 24\.16 or newer$/,
  );

  const registered: unknown[] = [];
  const entry = { register: (api: never) => void registered.push(api) };
  const old = withNodeCheck({ ...entry }, () => "22.3.0");
  expect(() => old.register("api" as never)).toThrow(/needs Node >= 24\.16\.0 \(this gateway runs v22\.3\.0/);
  expect(registered).toEqual([]); // nothing registered, no account started
  withNodeCheck({ ...entry }).register("api" as never); // this process: Node 24 from the workspace
  expect(registered).toEqual(["api"]);
});
