/**
 * A double of OpenClaw's inbound channel runtime (the surface the plugin calls: routing, ingress,
 * context, dispatch — see the plugin's runtime-types.ts), with an instant "agent" that answers
 * `echo: <text>`. It measures the plugin's own path, not a model's.
 */
export interface EchoRuntimeOptions {
  /** false: dispatch is counted but nothing is answered (inbound throughput). */
  reply?: boolean;
}

export interface DispatchLike {
  ctxPayload: unknown;
  delivery: { deliver: (payload: { text?: string }, info: { kind: string }) => Promise<void> };
}

export function createEchoRuntime(options: EchoRuntimeOptions = {}) {
  const state = { dispatched: 0, reply: options.reply ?? true };
  const runtime = {
    routing: {
      resolveAgentRoute: (input: {
        channel: string;
        accountId: string;
        peer: { kind: string; id: string };
      }) => ({
        agentId: "main",
        accountId: input.accountId,
        sessionKey: `agent:main:${input.channel}:${input.accountId}:${input.peer.kind}:${input.peer.id}`,
      }),
    },
    inbound: {
      ingress: { resolveStable: async () => ({ ingress: { admission: "dispatch" } }) },
      buildContext: (params: Record<string, unknown>) => params,
      dispatch: async (params: DispatchLike) => {
        state.dispatched += 1;
        if (state.reply) {
          const text = (params.ctxPayload as { message?: { rawBody?: string } }).message?.rawBody ?? "";
          await params.delivery.deliver({ text: `echo: ${text}` }, { kind: "final" });
        }
        return { admission: { kind: "dispatch" }, dispatched: true };
      },
    },
  };
  return { runtime, state };
}
