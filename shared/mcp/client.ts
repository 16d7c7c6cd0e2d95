/**
 * The agent's side of MCP: an SDK `Client` over Streamable HTTP, connected
 * to one tool server, plus what an instrumentation needs to know about the
 * session (its id, the protocol version, where the server is).
 *
 * One thing the SDK does not hand back is the JSON-RPC id of a request
 * (`jsonrpc.request.id` on the client span): it is assigned inside
 * `Client.request()`. The transport sees it, so the transport's `send` is
 * wrapped here: a `tools/call` request leaving while a span is active tags
 * that span with its id (the span active then is the caller's CLIENT span).
 */
import { trace } from "@opentelemetry/api";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type JSONRPCMessage, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { printable } from "../model-server/printable.ts";
import { ATTR_JSONRPC_REQUEST_ID, MCP_METHOD_TOOLS_CALL } from "./names.ts";

export interface McpConnection {
  readonly client: Client;
  /** `Mcp-Session-Id` the server assigned (Streamable HTTP sessions). */
  readonly sessionId: string | undefined;
  readonly protocolVersion: string | undefined;
  readonly serverAddress: string;
  readonly serverPort: number;
  /** The server's tools, names and descriptions bounded and printable. */
  listTools(): Promise<Pick<Tool, "name" | "description">[]>;
  close(): Promise<void>;
}

export async function connectMcp(url: string, clientName = "workbook-agent"): Promise<McpConnection> {
  const where = new URL(url);
  const transport = new StreamableHTTPClientTransport(where);
  const client = new Client({ name: clientName, version: "1.0.0" });
  await client.connect(transport, { timeout: 10_000 });
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options) => {
    if ("method" in message && message.method === MCP_METHOD_TOOLS_CALL && "id" in message && message.id !== null) {
      trace.getActiveSpan()?.setAttribute(ATTR_JSONRPC_REQUEST_ID, String(message.id));
    }
    return send(message, options);
  };
  return {
    client,
    sessionId: transport.sessionId,
    protocolVersion: transport.protocolVersion,
    serverAddress: where.hostname,
    serverPort: Number(where.port || (where.protocol === "https:" ? 443 : 80)),
    async listTools() {
      const { tools } = await client.listTools(undefined, { timeout: 10_000 });
      return tools.slice(0, 64).map((tool) => ({ name: printable(tool.name, 64), description: printable(tool.description ?? "", 200) }));
    },
    async close() {
      await transport.terminateSession().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}

/**
 * `error.type` for a failed MCP call: the JSON-RPC error code as a string
 * (mcp.md: "SHOULD be set to the string representation of the JSON-RPC error
 * code"), "timeout" for the SDK's request timeout, the socket error's code
 * when the server went away mid-call (the fetch failed), else "_OTHER".
 */
export function mcpErrorType(error: unknown): string {
  if (error instanceof McpError) return error.code === -32001 ? "timeout" : String(error.code);
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === "string") return printable(cause.code, 40);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return printable(code, 40);
  return "_OTHER";
}

/**
 * `rpc.response.status_code` (mcp.md: Conditionally Required "if response
 * contains an error code"): the code of a JSON-RPC error the server sent.
 * Undefined for errors the SDK makes up on the client's side (connection
 * closed -32000, request timeout -32001) and for anything else. SDK 1.32.2
 * answers an unknown tool or invalid arguments with an `isError` result, not
 * a JSON-RPC error (measured), so for tools/call this is rare.
 */
export function jsonRpcErrorCode(error: unknown): string | undefined {
  if (!(error instanceof McpError)) return undefined;
  if (error.code === ErrorCode.ConnectionClosed || error.code === ErrorCode.RequestTimeout) return undefined;
  return String(error.code);
}
