/**
 * The MCP and tool names lesson 15 uses, copied from the conventions' own
 * text (they are unstable, so not imported from the package's incubating
 * entry point; see shared/agents/gen-ai-names.ts for why):
 * open-telemetry/semantic-conventions-genai at commit 0393513c
 * (docs/gen-ai/mcp.md: MCP client and server spans, metrics) and 004902b8
 * (docs/gen-ai/gen-ai-metrics.md: gen_ai.execute_tool.duration); the
 * execute_tool span from docs/gen-ai/gen-ai-spans.md ("Execute tool span").
 * `jsonrpc.request.id`, `rpc.response.status_code` and `network.*` come from
 * the main semantic-conventions registry that mcp.md links (v1.41.1).
 */
export const ATTR_MCP_METHOD_NAME = "mcp.method.name" as const;
export const ATTR_MCP_SESSION_ID = "mcp.session.id" as const;
export const ATTR_MCP_PROTOCOL_VERSION = "mcp.protocol.version" as const;
export const ATTR_JSONRPC_REQUEST_ID = "jsonrpc.request.id" as const;
export const ATTR_RPC_RESPONSE_STATUS_CODE = "rpc.response.status_code" as const;
export const ATTR_NETWORK_TRANSPORT = "network.transport" as const;
export const ATTR_NETWORK_PROTOCOL_NAME = "network.protocol.name" as const;

export const ATTR_GEN_AI_TOOL_NAME = "gen_ai.tool.name" as const;
export const ATTR_GEN_AI_TOOL_CALL_ID = "gen_ai.tool.call.id" as const;
export const ATTR_GEN_AI_TOOL_TYPE = "gen_ai.tool.type" as const;
/** Opt-In (may hold user data): only with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true. */
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments" as const;
export const ATTR_GEN_AI_TOOL_CALL_RESULT = "gen_ai.tool.call.result" as const;

export const MCP_METHOD_TOOLS_CALL = "tools/call" as const;
/** mcp.md: error.type when a CallToolResult comes back with `isError: true`. */
export const MCP_ERROR_TYPE_TOOL_ERROR = "tool_error" as const;

/** Metrics. Histograms in seconds, with the bucket boundaries each convention advises. */
export const METRIC_GEN_AI_EXECUTE_TOOL_DURATION = "gen_ai.execute_tool.duration" as const;
export const EXECUTE_TOOL_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
export const METRIC_MCP_CLIENT_OPERATION_DURATION = "mcp.client.operation.duration" as const;
export const METRIC_MCP_SERVER_OPERATION_DURATION = "mcp.server.operation.duration" as const;
export const MCP_OPERATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
