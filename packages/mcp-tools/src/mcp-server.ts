import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { createToolDefinitions, type ToolsOptions } from "./definitions.js";
import { outcomeText } from "./outcome.js";
import type { Sender } from "./sender.js";

export interface McpServerOptions extends ToolsOptions {
  name?: string;
  version?: string;
}

/** TypeBox marks its objects with symbol keys; MCP wants the plain JSON Schema. */
function plainSchema(schema: unknown): { type: "object"; [key: string]: unknown } {
  return JSON.parse(JSON.stringify(schema));
}

/**
 * An MCP server serving the four tools over any transport (stdio in the bin, in-memory in tests).
 * It uses the SDK's low-level Server because McpServer.registerTool wants zod shapes, and the tools'
 * schemas are already JSON Schema (TypeBox); the handlers do their own validation with model-friendly errors.
 */
export function createMcpServer(sender: Sender, options: McpServerOptions = {}): Server {
  const tools = createToolDefinitions(sender, options);
  const server = new Server(
    { name: options.name ?? "multi-openim", version: options.version ?? "0.0.0" },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((tool) => ({
      name: tool.name,
      title: tool.label,
      description: tool.description,
      inputSchema: plainSchema(tool.parameters),
      // Sending reaches people outside the client and is not safe to repeat blindly.
      annotations: { title: tool.label, readOnlyHint: false, idempotentHint: false, openWorldHint: true },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = tools.find((t) => t.name === request.params.name);
    if (!tool) {
      const names = tools.map((t) => t.name).join(", ");
      return {
        isError: true,
        content: [{ type: "text", text: `Unknown tool ${request.params.name}: use one of ${names}.` }],
      };
    }
    const outcome = await tool.run(request.params.arguments ?? {}, extra.signal);
    if (!outcome.ok) {
      return { isError: true, content: [{ type: "text", text: outcomeText(outcome) }] };
    }
    return {
      content: [{ type: "text", text: outcomeText(outcome) }],
      structuredContent: {
        messageId: outcome.messageId,
        accountId: outcome.accountId,
        to: outcome.to,
        ...(outcome.captionMessageId ? { captionMessageId: outcome.captionMessageId } : {}),
      },
    };
  });
  return server;
}
