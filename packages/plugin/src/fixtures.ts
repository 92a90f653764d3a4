/** A JWT-shaped token (core reads claims, never checks the signature). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "HS256", typ: "JWT" })}.${enc(claims)}.c2ln`;
}

/**
 * An OpenClaw config with two accounts on two servers, plus anything in `extra` merged into the block.
 * DMs are open (0.1.0's behaviour) so message-path tests need no pairing; admission has its own tests.
 */
export function twoAccountConfig(
  extra: Record<string, unknown> = {},
  accounts: Record<string, unknown> = {},
) {
  return {
    channels: {
      "multi-openim": {
        dmPolicy: "open",
        accounts: {
          a: {
            token: fakeJwt({ UserID: "bot_a", PlatformID: 5 }),
            wsAddr: "ws://127.0.0.1:1",
            apiAddr: "http://127.0.0.1:1",
          },
          b: {
            token: fakeJwt({ UserID: "bot_b", PlatformID: 5 }),
            wsAddr: "ws://127.0.0.1:2",
            apiAddr: "http://127.0.0.1:2",
          },
          ...accounts,
        },
        ...extra,
      },
    },
  };
}
