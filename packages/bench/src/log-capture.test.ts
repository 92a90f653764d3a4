import { expect, test } from "vitest";
import { createLogCapture } from "./log-capture.ts";

// The suite's "0 secrets found" means something only if the search finds a planted one.
test("finds a token in any captured line or extra text, ignores redacted and short values", () => {
  const capture = createLogCapture();
  const token = "eyJhbGciOiJIUzI1NiJ9.eyJVc2VySUQiOiJib3QifQ.c2ln";
  capture.logger.info("[client] account=bot0 token refreshed");
  capture.logger.debug?.(`[token-refresh] got [redacted]`);
  expect(capture.leaks([token, "short"])).toEqual([]);
  capture.logger.warn(`oops ${token}`);
  expect(capture.leaks([token])).toEqual([token]);
  expect(createLogCapture().leaks([token], [`status error: ${token}`])).toEqual([token]);
  expect(capture.lines).toHaveLength(3);
});

test("finds a substituted state value echoed URL-encoded or \\/-escaped", () => {
  const rt = "state-rt/0+value=1-9f8e";
  expect(createLogCapture().leaks([rt], [`GET /refresh?rt=${encodeURIComponent(rt)}`])).toEqual([rt]);
  expect(createLogCapture().leaks([rt], [JSON.stringify({ rt }).replaceAll("/", "\\/")])).toEqual([rt]);
  expect(createLogCapture().leaks([rt], ["rt=[redacted]"])).toEqual([]);
});
