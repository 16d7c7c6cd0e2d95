/**
 * Lesson 15 · An agent that uses tools, locally and through an MCP server.
 *
 * The model answers with `tool_calls`; the agent runs each tool, sends the
 * results back, and loops until the model answers or a step limit is hit.
 * Some tools are local functions, some live in an MCP server in a process of
 * its own. One trace covers it all:
 *
 *   agent (this process)                                            mcp-tools-server (its own process)
 *   invoke_agent travel-assistant      INTERNAL
 *   ├─ chat gpt-4o-mini                CLIENT ──► model-server
 *   ├─ execute_tool current_time       INTERNAL  (task 1, task 2: siblings, in parallel)
 *   ├─ execute_tool slow_search        INTERNAL  error.type timeout (task 2)
 *   ├─ execute_tool lookup_weather     INTERNAL
 *   │  └─ tools/call lookup_weather    CLIENT  (task 3) ──_meta.traceparent──► tools/call lookup_weather SERVER (task 4)
 *   │                                                                         └─ weather.lookup
 *   └─ chat gpt-4o-mini                CLIENT
 *
 * Conventions followed: open-telemetry/semantic-conventions-genai at commit
 * 0393513c (docs/gen-ai/mcp.md, gen-ai-spans.md "Execute tool span") and
 * 004902b8 (gen-ai-metrics.md); all Development status.
 *
 * Run it:    npx tsx lessons/15-tools-mcp.ts
 * Check it:  npm run verify -- 15
 * Read:      lessons/15-tools-mcp.md
 */
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { context, metrics, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import { errorTypeOf, FAKE_PROVIDER_NAME, recordSpanError } from "../shared/agents/index.ts";
import {
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_SESSION_ID,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  boundToolResult,
  connectMcp,
  EXECUTE_TOOL_BUCKETS,
  jsonRpcErrorCode,
  MCP_ERROR_TYPE_TOOL_ERROR,
  MCP_METHOD_TOOLS_CALL,
  MCP_OPERATION_BUCKETS,
  mcpErrorType,
  metaGetter,
  metaSetter,
  METRIC_GEN_AI_EXECUTE_TOOL_DURATION,
  METRIC_MCP_CLIENT_OPERATION_DURATION,
  METRIC_MCP_SERVER_OPERATION_DURATION,
  startMcpServer,
  type McpConnection,
  type Meta,
  type ToolHandler,
} from "../shared/mcp/index.ts";
import { chat, type WireMessage, type WireTool } from "../shared/tool-agent/chat.ts";
import { withTimeLimit } from "../shared/tool-agent/time-limit.ts";
import { childTelemetry } from "../shared/agent-service/child-telemetry.ts";
import { printTraceFile } from "../shared/agent-service/print-trace.ts";
import { readSpanRecords, type SpanRecord } from "../shared/trace-view/dump.ts";
import { startModelServer } from "../shared/model-server/index.ts";
import { printable } from "../shared/privacy/printable.ts";
import { setupTelemetry } from "../shared/telemetry/index.ts";
import { runMain } from "../shared/workbook/run-main.ts";

export const AGENT_NAME = "travel-assistant";
export const TRACER_NAME = "workbook.lesson-15";
/** Each tool's time limit in the lesson run: slow_search hangs for 5 s, an MCP round trip takes well under 1 s. */
export const TOOL_TIME_LIMIT_MS = 1500;
/** Opt-in for tool arguments and results on spans (they may hold user data), as lesson 12 taught for messages. */
export const CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

const tracer = () => trace.getTracer(TRACER_NAME);
const meter = () => metrics.getMeter(TRACER_NAME);
const captureContent = () => process.env[CAPTURE_CONTENT_ENV]?.trim().toLowerCase() === "true";

/** A tool call as the model asked for it (bounded by the chat client). */
export interface ToolCall {
  id: string;
  name: string;
  /** The model's JSON arguments, unparsed. */
  arguments: string;
}
/** What goes back to the model for one call: a result, or a short description of what went wrong. */
export interface ToolOutcome {
  callId: string;
  content: string;
  errorType?: string;
}
/**
 * gen_ai.tool.type (gen-ai-spans.md): "function" runs in the agent's own
 * process; "extension" calls out to another system (the MCP server).
 */
export type ToolType = "function" | "extension";

export interface LocalTool {
  name: string;
  description: string;
  run(args: { query: string }, signal: AbortSignal): Promise<string>;
}

export const LOCAL_TOOLS: LocalTool[] = [
  { name: "current_time", description: "The current time in a city.", run: async () => "14:05 local time" },
  {
    name: "convert_currency",
    description: "Converts an amount between currencies.",
    async run() {
      throw Object.assign(new Error("exchange rates are unavailable right now"), { code: "rates_unavailable" });
    },
  },
  {
    name: "slow_search",
    description: "Searches the web (slowly).",
    async run(_args, signal) {
      // Hangs for 5 s unless aborted: the time limit must end it (task 2).
      await sleep(5000, undefined, { signal }).catch(() => {});
      return "search results (finally)";
    },
  },
];

/** The tools the agent offers the model: local functions, and the MCP server's tools through `mcp`. */
export interface Toolbox {
  local: LocalTool[];
  mcp?: McpConnection;
  mcpTools: { name: string; description?: string }[];
}

function typeOf(toolbox: Toolbox, name: string): ToolType {
  return toolbox.local.some((tool) => tool.name === name) ? "function" : "extension";
}

function parseArguments(raw: string): { query: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw Object.assign(new Error("the model's tool arguments are not JSON"), { code: "invalid_arguments" });
  }
  const query = (value as { query?: unknown } | null)?.query;
  if (typeof query !== "string") throw Object.assign(new Error("the tool arguments need a string `query`"), { code: "invalid_arguments" });
  return { query: query.slice(0, 1000) };
}

/** Runs one call's tool, wherever it lives. The `signal` ends it when the time limit strikes. */
async function runTool(toolbox: Toolbox, call: ToolCall, signal: AbortSignal): Promise<string> {
  const args = parseArguments(call.arguments);
  const local = toolbox.local.find((tool) => tool.name === call.name);
  if (local) return local.run(args, signal);
  if (toolbox.mcp && toolbox.mcpTools.some((tool) => tool.name === call.name)) return callMcpTool(toolbox.mcp, call.name, args, signal);
  throw Object.assign(new Error(`no tool named ${printable(call.name, 64)}`), { code: "unknown_tool" });
}

/**
 * One tool execution, as the agent sees it. Whatever happens, it returns an
 * outcome for the model: a tool that fails is reported to the model, and the
 * agent goes on.
 */
export async function executeTool(call: ToolCall, type: ToolType, run: () => Promise<string>): Promise<ToolOutcome> {
  const started = performance.now();
  let outcome: ToolOutcome;
  // TODO(1): Trace the execution: an "execute_tool {tool name}" span, active
  //          while the tool runs, with the GenAI tool attributes from its
  //          start, the error recorded (error.type) when the tool fails, and
  //          ended on every path.
  // #region TODO(1) solution
  // gen-ai-spans.md, "Execute tool span": name "execute_tool {gen_ai.tool.name}",
  // kind INTERNAL, gen_ai.operation.name "execute_tool" given at creation (the
  // one attribute the convention lists for sampling). startActiveSpan makes
  // it the parent of whatever the tool does (the MCP CLIENT span, task 3).
  outcome = await tracer().startActiveSpan(
    `execute_tool ${call.name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        "gen_ai.operation.name": "execute_tool",
        [ATTR_GEN_AI_TOOL_NAME]: call.name,
        [ATTR_GEN_AI_TOOL_CALL_ID]: call.id,
        [ATTR_GEN_AI_TOOL_TYPE]: type,
        // Opt-In: arguments may hold user data.
        ...(captureContent() ? { [ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: printable(call.arguments, 1000) } : {}),
      },
    },
    async (span) => {
      try {
        const content = await run();
        if (captureContent()) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, printable(content, 1000));
        return { callId: call.id, content };
      } catch (error) {
        // Recorded, not rethrown: the model hears what went wrong and the loop goes on.
        recordSpanError(span, error);
        return { callId: call.id, content: `error: ${printable((error as Error)?.message ?? error, 200)}`, errorType: errorTypeOf(error) };
      } finally {
        span.end();
      }
    },
  );
  // #endregion
  // #region TODO(1) exercise
  // outcome = await run().then(
  //   (content) => ({ callId: call.id, content }),
  //   (error: unknown) => ({ callId: call.id, content: `error: ${printable((error as Error)?.message ?? error, 200)}`, errorType: errorTypeOf(error) }),
  // ); // no span: the tool call is invisible in the trace
  // #endregion
  // gen-ai-metrics.md, gen_ai.execute_tool.duration: seconds, low-cardinality attributes only
  // (tool name and type, agent name, error.type): never the call id or the arguments.
  toolDuration().record((performance.now() - started) / 1000, {
    [ATTR_GEN_AI_TOOL_NAME]: call.name,
    [ATTR_GEN_AI_TOOL_TYPE]: type,
    "gen_ai.agent.name": AGENT_NAME,
    ...(outcome.errorType ? { [ATTR_ERROR_TYPE]: outcome.errorType } : {}),
  });
  return outcome;
}

const toolDuration = () =>
  meter().createHistogram(METRIC_GEN_AI_EXECUTE_TOOL_DURATION, { unit: "s", description: "The duration of a single tool execution.", advice: { explicitBucketBoundaries: EXECUTE_TOOL_BUCKETS } });

/** Every tool call of one model turn, each bounded by `timeLimitMs`. Outcomes in the calls' order. */
export async function runToolCalls(calls: ToolCall[], toolbox: Toolbox, timeLimitMs: number): Promise<ToolOutcome[]> {
  // TODO(2): The model asked for these calls in one turn: run them at the
  //          same time, and give each a time limit, so a tool that hangs
  //          still ends (its span too) and the agent goes on.
  // #region TODO(2) solution
  // Promise.all starts every executeTool in the same active context: their
  // spans are siblings under the agent span, and they overlap in time.
  // withTimeLimit ends a hung tool's wait (and aborts its work through the
  // signal); the rejection lands inside executeTool, so its span records
  // error.type "timeout" and ends.
  return Promise.all(calls.map((call) => executeTool(call, typeOf(toolbox, call.name), () => withTimeLimit((signal) => runTool(toolbox, call, signal), timeLimitMs))));
  // #endregion
  // #region TODO(2) exercise
  // void withTimeLimit;
  // const outcomes: ToolOutcome[] = [];
  // for (const call of calls) {
  //   // one after the other, and a tool that hangs holds up the agent for as long as it likes
  //   outcomes.push(await executeTool(call, typeOf(toolbox, call.name), () => runTool(toolbox, call, new AbortController().signal)));
  // }
  // return outcomes;
  // #endregion
}

/**
 * Calls one tool on the MCP server. Returns the result's text, bounded and
 * printable; a result with `isError: true`, or a failed call, throws (the
 * caller's execute_tool span records it).
 */
export async function callMcpTool(mcp: McpConnection, name: string, args: { query: string }, signal?: AbortSignal): Promise<string> {
  const started = performance.now();
  let errorType: string | undefined;
  try {
    // TODO(3): Trace the call as an MCP client span ("tools/call {tool}",
    //          CLIENT, the mcp.md attributes), and carry the trace context to
    //          the server in the request's params._meta.
    // #region TODO(3) solution
    // mcp.md, "Client": name "{mcp.method.name} {gen_ai.tool.name}", kind CLIENT;
    // gen_ai.operation.name "execute_tool" lets a backend treat it like other
    // tool calls. jsonrpc.request.id is added by shared/mcp's transport when the
    // request leaves (the SDK assigns the id inside callTool).
    return await tracer().startActiveSpan(
      `${MCP_METHOD_TOOLS_CALL} ${name}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_MCP_METHOD_NAME]: MCP_METHOD_TOOLS_CALL,
          "gen_ai.operation.name": "execute_tool",
          [ATTR_GEN_AI_TOOL_NAME]: name,
          ...(mcp.sessionId ? { [ATTR_MCP_SESSION_ID]: mcp.sessionId } : {}),
          ...(mcp.protocolVersion ? { [ATTR_MCP_PROTOCOL_VERSION]: mcp.protocolVersion } : {}),
          [ATTR_NETWORK_TRANSPORT]: "tcp",
          [ATTR_NETWORK_PROTOCOL_NAME]: "http",
          "server.address": mcp.serverAddress,
          "server.port": mcp.serverPort,
        },
      },
      async (span) => {
        try {
          // The configured propagators write traceparent/tracestate (and baggage)
          // unprefixed into _meta: the MCP server reads its parent from there,
          // whatever the transport (mcp.md, "Context propagation").
          const meta: Meta = {};
          propagation.inject(context.active(), meta, metaSetter);
          const result = boundToolResult(await mcp.client.callTool({ name, arguments: args, _meta: meta }, undefined, { timeout: 10_000, signal }));
          if (result.truncated || result.escaped) {
            span.setAttributes({ "app.tool.result.truncated": result.truncated, "app.tool.result.escaped": result.escaped, "app.tool.result.original_chars": result.originalChars });
          }
          // mcp.md: a CallToolResult with isError true is error.type "tool_error".
          if (result.isError) throw Object.assign(new Error(result.text), { code: (errorType = MCP_ERROR_TYPE_TOOL_ERROR) });
          return result.text;
        } catch (error) {
          recordSpanError(span, error);
          // The JSON-RPC error code, "timeout", or the socket's code when the server died.
          span.setAttribute(ATTR_ERROR_TYPE, (errorType ??= mcpErrorType(error)));
          const status = jsonRpcErrorCode(error);
          if (status) span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, status);
          throw error;
        } finally {
          span.end();
        }
      },
    );
    // #endregion
    // #region TODO(3) exercise
    // const result = boundToolResult(await mcp.client.callTool({ name, arguments: args }, undefined, { timeout: 10_000, signal }));
    // if (result.isError) throw Object.assign(new Error(result.text), { code: (errorType = MCP_ERROR_TYPE_TOOL_ERROR) });
    // return result.text; // no client span, no context in _meta: the server's spans start traces of their own
    // #endregion
  } catch (error) {
    errorType ??= mcpErrorType(error);
    throw error;
  } finally {
    // mcp.md, mcp.client.operation.duration: method, tool, error.type; no session or request ids.
    mcpClientDuration().record((performance.now() - started) / 1000, {
      [ATTR_MCP_METHOD_NAME]: MCP_METHOD_TOOLS_CALL,
      [ATTR_GEN_AI_TOOL_NAME]: name,
      "gen_ai.operation.name": "execute_tool",
      ...(errorType ? { [ATTR_ERROR_TYPE]: errorType } : {}),
    });
  }
}

const mcpClientDuration = () =>
  meter().createHistogram(METRIC_MCP_CLIENT_OPERATION_DURATION, { unit: "s", description: "The duration of the MCP request as observed by the client.", advice: { explicitBucketBoundaries: MCP_OPERATION_BUCKETS } });
const mcpServerDuration = () =>
  meter().createHistogram(METRIC_MCP_SERVER_OPERATION_DURATION, { unit: "s", description: "The duration of the MCP request as observed by the server.", advice: { explicitBucketBoundaries: MCP_OPERATION_BUCKETS } });

/**
 * The MCP server's side: wraps each tool's handler (shared/mcp/main.ts calls
 * this for every tool, in the server's own process).
 */
export function traceToolCall(name: string, handler: ToolHandler): ToolHandler {
  return async (args, extra) => {
    const started = performance.now();
    let errorType: string | undefined;
    try {
      // TODO(4): Trace the call as an MCP server span ("tools/call {tool}",
      //          SERVER, the mcp.md attributes), a child of the client span
      //          whose context came in the request's params._meta.
      // #region TODO(4) solution
      // The parent comes from _meta, not from the HTTP request: one HTTP
      // request can carry several MCP messages, and mcp.md makes the MCP client
      // span the parent "regardless of transport used". metaGetter refuses
      // values that are not short strings: _meta is the peer's input.
      const parent = propagation.extract(ROOT_CONTEXT, extra._meta as Meta | undefined, metaGetter);
      const attributes: Attributes = {
        [ATTR_MCP_METHOD_NAME]: MCP_METHOD_TOOLS_CALL,
        "gen_ai.operation.name": "execute_tool",
        [ATTR_GEN_AI_TOOL_NAME]: name,
        [ATTR_JSONRPC_REQUEST_ID]: printable(extra.requestId, 64),
        ...(extra.sessionId ? { [ATTR_MCP_SESSION_ID]: printable(extra.sessionId, 64) } : {}),
        [ATTR_NETWORK_TRANSPORT]: "tcp",
        [ATTR_NETWORK_PROTOCOL_NAME]: "http",
      };
      return await tracer().startActiveSpan(`${MCP_METHOD_TOOLS_CALL} ${name}`, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
        try {
          const result = await handler(args, extra);
          if (result.isError) {
            errorType = MCP_ERROR_TYPE_TOOL_ERROR;
            span.setAttribute(ATTR_ERROR_TYPE, errorType);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          return result;
        } catch (error) {
          errorType = errorTypeOf(error);
          recordSpanError(span, error);
          throw error;
        } finally {
          span.end();
        }
      });
      // #endregion
      // #region TODO(4) exercise
      // return await handler(args, extra); // no server span: the tool's own spans start a trace of their own
      // #endregion
    } catch (error) {
      errorType ??= errorTypeOf(error);
      throw error;
    } finally {
      mcpServerDuration().record((performance.now() - started) / 1000, {
        [ATTR_MCP_METHOD_NAME]: MCP_METHOD_TOOLS_CALL,
        [ATTR_GEN_AI_TOOL_NAME]: name,
        "gen_ai.operation.name": "execute_tool",
        ...(errorType ? { [ATTR_ERROR_TYPE]: errorType } : {}),
      });
    }
  };
}

export interface AgentOptions {
  modelUrl: string;
  model?: string;
  toolbox: Toolbox;
  /** How many model turns the agent may take before it gives up. */
  maxSteps?: number;
  /** Each tool's time limit. */
  toolTimeLimitMs?: number;
}
export interface AgentResult {
  answer: string | null;
  steps: number;
  stepLimitReached: boolean;
}

/** The agent loop (given, not a task): invoke_agent → chat → tools → chat → ... */
export async function runAgent(question: string, options: AgentOptions): Promise<AgentResult> {
  const model = options.model ?? "gpt-4o-mini";
  const maxSteps = options.maxSteps ?? 4;
  const { toolbox } = options;
  const tools: WireTool[] = [
    ...toolbox.local.map((tool) => ({ name: tool.name, description: tool.description })),
    ...toolbox.mcpTools,
  ].map((tool) => ({ type: "function", function: { name: tool.name, description: tool.description, parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] } } }));
  return tracer().startActiveSpan(
    `invoke_agent ${AGENT_NAME}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": AGENT_NAME,
        "gen_ai.provider.name": FAKE_PROVIDER_NAME,
        "gen_ai.request.model": model,
      },
    },
    async (span) => {
      try {
        const messages: WireMessage[] = [{ role: "user", content: question }];
        for (let step = 1; step <= maxSteps; step++) {
          const turn = await chat(options.modelUrl, model, messages, tools);
          if (turn.toolCalls.length === 0) {
            span.setAttribute("app.agent.steps", step);
            return { answer: turn.content, steps: step, stepLimitReached: false };
          }
          messages.push({ role: "assistant", content: null, tool_calls: turn.toolCalls });
          const calls = turn.toolCalls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
          const outcomes = await runToolCalls(calls, toolbox, options.toolTimeLimitMs ?? TOOL_TIME_LIMIT_MS);
          for (const outcome of outcomes) messages.push({ role: "tool", tool_call_id: outcome.callId, content: outcome.content });
        }
        // The model still wanted tools after maxSteps turns: the agent stops, and says so on its span.
        span.setAttributes({ "app.agent.steps": maxSteps, "app.agent.step_limit_reached": true, [ATTR_ERROR_TYPE]: "step_limit_reached" });
        span.setStatus({ code: SpanStatusCode.ERROR, message: `no answer within ${maxSteps} model turns` });
        return { answer: null, steps: maxSteps, stepLimitReached: true };
      } catch (error) {
        recordSpanError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

async function main(): Promise<void> {
  // Three processes write every span to one file, drawn as one tree at the end (child-telemetry.ts).
  const children = childTelemetry("lesson-15");
  const { traceFile, env } = children;
  const telemetry = setupTelemetry({ serviceName: "agent", serviceVersion: "1.0.0", env: { ...process.env, ...env } });
  const modelServer = await startModelServer({ env });
  try {
    const mcpServer = await startMcpServer({ wrapModule: fileURLToPath(import.meta.url), env });
    try {
      const mcp = await connectMcp(mcpServer.url);
      try {
        const mcpTools = (await mcp.listTools()).filter((tool) => ["lookup_weather", "hostile_note"].includes(tool.name));
        const result = await runAgent("What's the weather in Lisbon, and what time is it there?", {
          modelUrl: modelServer.url,
          toolbox: { local: LOCAL_TOOLS, mcp, mcpTools },
          toolTimeLimitMs: TOOL_TIME_LIMIT_MS,
        });
        console.log(`agent: ${result.answer === null ? "(no answer: step limit)" : printable(result.answer, 300)} [${result.steps} model turns]`);
      } finally {
        await mcp.close();
      }
    } finally {
      await mcpServer.stop();
    }
  } finally {
    await modelServer.stop();
    await telemetry.shutdown();
  }
  printTraceFile(traceFile);
  for (const line of whatIsMissing(readSpanRecords(traceFile))) console.log(line);
  children.remove();
}

/** One line per symptom the run shows, each pointing at the TODO that fixes it. */
function whatIsMissing(spans: SpanRecord[]): string[] {
  const lines: string[] = [];
  const tools = spans.filter((span) => span.name.startsWith("execute_tool "));
  if (tools.length === 0) lines.push("→ no execute_tool spans: the model asked for tools, the trace shows none. See TODO(1).");
  // slow_search hangs 5 s; with the time limit and parallel calls the whole agent takes about 1.5 s.
  const agent = spans.find((span) => span.name === `invoke_agent ${AGENT_NAME}`);
  if (agent && agent.durationMs > 4000) lines.push(`→ the agent took ${Math.round(agent.durationMs)} ms: slow_search hung with no time limit, and the calls ran one after the other. See TODO(2).`);
  if (!spans.some((span) => span.name.startsWith("tools/call ") && span.kind === "CLIENT")) {
    lines.push("→ no MCP CLIENT span (tools/call ...): the call to the MCP server is invisible, and no context went in params._meta. See TODO(3).");
  }
  const server = spans.filter((span) => span.service === "mcp-tools-server");
  if (!server.some((span) => span.name.startsWith("tools/call ") && span.kind === "SERVER")) {
    lines.push("→ no MCP SERVER span in mcp-tools-server: the tool's own work (weather.lookup) hangs in a trace of its own. See TODO(4).");
  }
  return lines;
}

runMain(import.meta.url, main);
