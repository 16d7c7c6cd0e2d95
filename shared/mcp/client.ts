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
 *
 * The server is a peer we do not control, and what it says ends up on spans
 * (a failed call's message becomes the span's status and exception event) and
 * on the learner's terminal. So the client here bounds it where it comes in:
 * every error out of a request is rebuilt with a bounded, printable message
 * (BoundedClient), and the session id and protocol version are bounded too.
 */
import { trace } from "@opentelemetry/api";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type JSONRPCMessage, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { isPrintable, printable } from "../privacy/printable.ts";
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
  const client = new BoundedClient({ name: clientName, version: "1.0.0" });
  await client.connect(transport, { timeout: 10_000 }).catch((error: unknown) => Promise.reject(boundedError(error)));
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options) => {
    if ("method" in message && message.method === MCP_METHOD_TOOLS_CALL && "id" in message && message.id !== null) {
      trace.getActiveSpan()?.setAttribute(ATTR_JSONRPC_REQUEST_ID, String(message.id));
    }
    return send(message, options);
  };
  return {
    client,
    // From the server's Mcp-Session-Id header and initialize answer: bounded before they become span attributes.
    sessionId: transport.sessionId === undefined ? undefined : printable(transport.sessionId, MAX_ID_CHARS),
    protocolVersion: transport.protocolVersion === undefined ? undefined : printable(transport.protocolVersion, 32),
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

/** Longest session id kept (a UUID is 36; the spec allows any visible ASCII). */
const MAX_ID_CHARS = 128;
/** Longest error message kept from the server (the span's status message and exception event). */
export const MAX_ERROR_MESSAGE_CHARS = 300;

/**
 * A Client whose every request (callTool, listTools, ...) fails with an error
 * safe to put on a span: `request` is the one path all of them take, and
 * callTool adds its own checks of the answer after it.
 */
class BoundedClient extends Client {
  override request: Client["request"] = (...args) => super.request(...args).catch((error: unknown) => Promise.reject(boundedError(error)));
  override callTool: Client["callTool"] = (...args) => super.callTool(...args).catch((error: unknown) => Promise.reject(boundedError(error)));
}

/**
 * An error that came from the server (or quotes it: the SDK puts an HTTP error
 * body in its message), made safe for a span and a terminal. A JSON-RPC error
 * keeps its code, loses its `data` (the server's arbitrary JSON) and gets a
 * bounded, printable message; any other error with a message that is too
 * long or unprintable is rebuilt the same way, keeping its name, a short
 * `code` and its cause's `code` (mcpErrorType reads those). The stack is
 * rebuilt with it: V8 wrote the original message into the old one.
 */
export function boundedError(error: unknown): Error {
  if (error instanceof McpError) {
    const prefix = `MCP error ${error.code}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return new McpError(typeof error.code === "number" ? error.code : ErrorCode.InternalError, printable(message, MAX_ERROR_MESSAGE_CHARS));
  }
  if (!(error instanceof Error)) return new Error(printable(error, MAX_ERROR_MESSAGE_CHARS));
  if (isPrintable(error.message, MAX_ERROR_MESSAGE_CHARS) && isPrintable(error.name, 64)) return error;
  const code = (error as { code?: unknown }).code;
  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  const bounded = new Error(printable(error.message, MAX_ERROR_MESSAGE_CHARS), typeof causeCode === "string" ? { cause: { code: printable(causeCode, 40) } } : undefined);
  bounded.name = printable(error.name, 64);
  if (typeof code === "string" || typeof code === "number") Object.assign(bounded, { code: typeof code === "string" ? printable(code, 40) : code });
  return bounded;
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
