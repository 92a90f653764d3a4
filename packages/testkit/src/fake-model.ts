import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatMessage {
  role: string;
  content?: string | { type: string; text?: string }[] | null;
  tool_calls?: unknown[];
}

export type ModelAnswer =
  /** Never answers (the connection stays open): a turn caught mid-reply, e.g. for a crash test. */
  | { hang: true }
  | { text: string; delayMs?: number }
  | { toolCall: { name: string; arguments: Record<string, unknown> } };

/** Plain text of a message, whether content is a string or a list of parts. */
export function textOf(message: ChatMessage): string {
  if (typeof message.content === "string") return message.content;
  return (message.content ?? []).map((part) => part.text ?? "").join("");
}

/**
 * An OpenAI-compatible chat completions endpoint that streams (OpenClaw calls it with
 * `stream: true`). `answer` decides each reply from the request's messages; every request body
 * is kept so the test can check what the model was shown.
 */
export async function startFakeModel(answer: (messages: ChatMessage[]) => ModelAnswer) {
  const requests: { messages: ChatMessage[]; tools?: { function?: { name?: string } }[] }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      if (!req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as { messages: ChatMessage[]; tools?: { function?: { name?: string } }[] };
      requests.push(body);
      const reply = answer(body.messages);
      if ("hang" in reply) return;
      // A slow model (e.g. to see typing during a turn): the answer starts after delayMs.
      const delayMs = "delayMs" in reply ? (reply.delayMs ?? 0) : 0;
      if (delayMs > 0) {
        setTimeout(() => stream(reply), delayMs);
        return;
      }
      stream(reply);
    });
    const stream = (reply: Exclude<ModelAnswer, { hang: true }>) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const chunk = (delta: unknown, finish: string | null) =>
        res.write(
          `data: ${JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: "chat.completion.chunk",
            created: Math.floor(Date.now() / 1000),
            model: "echo-1",
            choices: [{ index: 0, delta, finish_reason: finish }],
          })}\n\n`,
        );
      if ("text" in reply) {
        chunk({ role: "assistant", content: reply.text }, null);
        chunk({}, "stop");
      } else {
        chunk(
          {
            role: "assistant",
            tool_calls: [
              {
                index: 0,
                id: `call_${requests.length}`,
                type: "function",
                function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) },
              },
            ],
          },
          null,
        );
        chunk({}, "tool_calls");
      }
      res.end("data: [DONE]\n\n");
    };
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
