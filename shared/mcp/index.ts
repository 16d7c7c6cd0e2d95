// MCP for lesson 15: the tool server (own process, Streamable HTTP), the client side, and _meta propagation.
export * from "./names.ts";
export { metaGetter, metaSetter, type Meta } from "./meta-carrier.ts";
export { boundToolResult, MAX_TOOL_RESULT_CHARS, type BoundedResult } from "./bounded-result.ts";
export { connectMcp, jsonRpcErrorCode, mcpErrorType, type McpConnection } from "./client.ts";
export { startMcpServer, type McpServerProcess, type StartMcpOptions } from "./spawn.ts";
export { listenMcp, type McpHttpServer } from "./http-server.ts";
export { createToolsServer, TOOL_NAMES, SERVER_INFO, type ToolArgs, type ToolExtra, type ToolHandler, type WrapTool } from "./tools-server.ts";
