/**
 * Lesson 15 tests. `npm run verify -- 15` runs them against your
 * lessons/15-tools-mcp.ts; one describe per task in lessons/15-tools-mcp.md.
 *
 * Real components: the official MCP SDK's client and server over Streamable
 * HTTP on 127.0.0.1 (in this process, so both sides' spans land in the same
 * in-memory exporter), and, for the whole-lesson check, the model server in a
 * process of its own. `npx tsx lessons/15-tools-mcp.ts` runs the MCP server
 * in its own process too.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { connectMcp, listenMcp, startMcpServer, type McpConnection, type McpHttpServer, type Meta } from "../shared/mcp/index.ts";
import { startModelServer, type ModelServerProcess } from "../shared/model-server/index.ts";
import { childrenOf, findSpan, loadLesson, parentId, spanId, spansNamed, traceId, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./15-tools-mcp.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

const call = (name: string, id = `call_${name}`): Lesson.ToolCall => ({ id, name, arguments: JSON.stringify({ query: "Lisbon" }) });
const kind = (span: ReadableSpan) => SpanKind[span.kind];
const toolSpans = (spans: ReadableSpan[]) => spans.filter((span) => span.name.startsWith("execute_tool "));
const names = (spans: ReadableSpan[]) => JSON.stringify(spans.map((span) => span.name));

/** Runs `work` inside a span of the test's own, so the lesson's spans have a parent to hang from. */
async function underParent<T>(tracer: ReturnType<ReturnType<typeof useTestTelemetry>["tracer"]>, work: () => Promise<T>): Promise<{ result: T; parent: ReadableSpan["spanContext"] extends () => infer C ? C : never }> {
  return tracer.startActiveSpan("test parent", async (span) => {
    try {
      return { result: await work(), parent: span.spanContext() };
    } finally {
      span.end();
    }
  });
}

describe("Task 1: an execute_tool span for every tool call", () => {
  const telemetry = useTestTelemetry();

  it("a tool that answers gets an INTERNAL span named after it, with the GenAI tool attributes, under the caller", async () => {
    const { result, parent } = await underParent(telemetry.tracer(), () => lesson.executeTool(call("current_time", "call_abc"), "function", async () => "14:05"));
    assert.equal(result.content, "14:05", "🚨 executeTool() should return the tool's result for the model");
    const span = toolSpans(telemetry.spans())[0];
    assert.ok(span, `🚨 no span named "execute_tool current_time"; spans: ${names(telemetry.spans())}. Start one with tracer.startActiveSpan() around run().`);
    assert.equal(span.name, "execute_tool current_time", "🚨 the span name should be \"execute_tool {gen_ai.tool.name}\" (gen-ai-spans.md)");
    assert.equal(kind(span), "INTERNAL", `🚨 execute_tool spans are INTERNAL (the tool runs in this process); got ${kind(span)}`);
    assert.equal(parentId(span), parent.spanId, "🚨 the execute_tool span is not a child of the span active when the agent called the tool");
    const expected = { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "current_time", "gen_ai.tool.call.id": "call_abc", "gen_ai.tool.type": "function" };
    for (const [key, value] of Object.entries(expected)) {
      assert.equal(span.attributes[key], value, `🚨 attribute ${key} should be ${JSON.stringify(value)}, got ${JSON.stringify(span.attributes[key])}`);
    }
    assert.equal(span.attributes["gen_ai.tool.call.arguments"], undefined, "🚨 tool arguments are Opt-In content: record them only when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true");
    assert.equal(span.attributes["gen_ai.tool.call.result"], undefined, "🚨 tool results are Opt-In content: record them only when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true");
  });

  it("what the tool does runs inside the span (the span is active)", async () => {
    await lesson.executeTool(call("current_time"), "function", async () => {
      telemetry.tracer().startSpan("inside the tool").end();
      return "ok";
    });
    const tool = findSpan(telemetry.spans(), "execute_tool current_time");
    const inside = findSpan(telemetry.spans(), "inside the tool");
    assert.equal(parentId(inside), spanId(tool), "🚨 a span started by the tool is not a child of execute_tool: use startActiveSpan (or context.with) so the span is active while run() runs");
  });

  it("a tool that throws: the span records it (error.type, ERROR, an exception event), ends, and the model hears about it", async () => {
    const failure = Object.assign(new Error("exchange rates are unavailable right now"), { code: "rates_unavailable" });
    const outcome = await lesson
      .executeTool(call("convert_currency"), "function", async () => {
        throw failure;
      })
      .catch((error: unknown) => assert.fail(`🚨 executeTool() threw (${String(error)}): a failed tool is reported to the model as its outcome, and the loop goes on; record the error on the span, do not rethrow`));
    assert.match(outcome.content, /exchange rates are unavailable/, "🚨 executeTool() should return the error's message for the model, not throw");
    const span = toolSpans(telemetry.spans())[0];
    assert.ok(span, "🚨 a tool that throws left no ended execute_tool span: end the span in finally");
    assert.equal(span.status.code, SpanStatusCode.ERROR, "🚨 the failed tool's span status should be ERROR");
    assert.equal(span.attributes["error.type"], "rates_unavailable", `🚨 error.type should be the error's code, got ${JSON.stringify(span.attributes["error.type"])}`);
    assert.ok(span.events.some((event) => event.name === "exception"), "🚨 no exception event: span.recordException(error)");
  });
});

describe("Task 2: parallel tool calls, and a time limit", () => {
  const telemetry = useTestTelemetry();
  const sleepy = (name: string, ms: number): Lesson.LocalTool => ({ name, description: name, run: async () => (await sleep(ms), `${name} done`) });
  const hanging: Lesson.LocalTool = {
    name: "stuck",
    description: "never answers in time",
    run: (_args, signal) => sleep(5000, "too late", { signal }).catch(() => "aborted"),
  };

  it("the calls of one turn run at the same time, as sibling execute_tool spans, outcomes in the calls' order", async () => {
    const toolbox: Lesson.Toolbox = { local: [sleepy("a", 200), sleepy("b", 200), sleepy("c", 200)], mcpTools: [] };
    const started = Date.now();
    const { result, parent } = await underParent(telemetry.tracer(), () => lesson.runToolCalls([call("a"), call("b"), call("c")], toolbox, 2000));
    const tookMs = Date.now() - started;
    assert.deepEqual(result.map((outcome) => outcome.content), ["a done", "b done", "c done"], "🚨 runToolCalls() should return one outcome per call, in the calls' order");
    // The spans come from task 1; when they are there, they must be siblings under the caller.
    for (const span of toolSpans(telemetry.spans())) assert.equal(parentId(span), parent.spanId, `🚨 ${span.name} is not a sibling of the others under the agent's span`);
    // One after the other takes at least 600 ms; together about 200 (the margin is for a busy machine).
    assert.ok(tookMs < 550, `🚨 three tools of 200 ms took ${tookMs} ms: they ran one after the other. The model asked for them in one turn; start them all, then wait (Promise.all).`);
  });

  it("a tool that hangs is cut off at the time limit: its span ends with error.type timeout, the other calls still answer", async () => {
    const toolbox: Lesson.Toolbox = { local: [sleepy("quick", 10), hanging], mcpTools: [] };
    const started = Date.now();
    const outcomes = await lesson.runToolCalls([call("stuck"), call("quick")], toolbox, 200);
    const tookMs = Date.now() - started;
    assert.ok(tookMs < 2000, `🚨 with a 200 ms limit, a hanging tool held the agent for ${tookMs} ms: bound each call (withTimeLimit in shared/tool-agent/time-limit.ts, or Promise.race with a timer)`);
    assert.equal(outcomes[1]?.content, "quick done", "🚨 the quick tool's answer is missing");
    assert.match(outcomes[0]?.content ?? "", /error/, "🚨 the hung tool's outcome should tell the model it failed");
    assert.equal(outcomes[0]?.errorType, "timeout", `🚨 the hung tool's outcome should have errorType "timeout" (the time limit's error code, which the span's error.type takes), got ${JSON.stringify(outcomes[0]?.errorType)}`);
    const stuck = toolSpans(telemetry.spans()).find((span) => span.name === "execute_tool stuck");
    if (stuck) assert.equal(stuck.attributes["error.type"], "timeout", `🚨 the hung tool's span should say error.type "timeout", got ${JSON.stringify(stuck.attributes["error.type"])}`);
  });
});

describe("Task 3: the MCP client span, and context in params._meta", () => {
  const telemetry = useTestTelemetry();
  let server: McpHttpServer;
  let mcp: McpConnection;
  const seenMeta: (Meta | undefined)[] = [];
  before(async () => {
    server = await listenMcp((_name, handler) => async (args, extra) => {
      seenMeta.push(extra._meta as Meta | undefined);
      return handler(args, extra);
    });
    mcp = await connectMcp(server.url);
  });
  after(async () => {
    await mcp?.close();
    await server?.close();
  });

  it("tools/call gets a CLIENT span with the mcp.md attributes, under the caller's span", async () => {
    const { result, parent } = await underParent(telemetry.tracer(), () => lesson.callMcpTool(mcp, "lookup_weather", { query: "Lisbon" }));
    assert.match(result, /Lisbon/, "🚨 callMcpTool() should return the tool's text");
    const span = telemetry.spans().find((s) => s.name === "tools/call lookup_weather");
    assert.ok(span, `🚨 no span named "tools/call lookup_weather" ({mcp.method.name} {gen_ai.tool.name}); spans: ${names(telemetry.spans())}`);
    assert.equal(kind(span), "CLIENT", `🚨 the MCP client span's kind should be CLIENT, got ${kind(span)}`);
    assert.equal(parentId(span), parent.spanId, "🚨 the MCP client span is not a child of the span active when the tool was called");
    const expected: Record<string, unknown> = { "mcp.method.name": "tools/call", "gen_ai.tool.name": "lookup_weather", "gen_ai.operation.name": "execute_tool", "mcp.session.id": mcp.sessionId };
    for (const [key, value] of Object.entries(expected)) {
      assert.equal(span.attributes[key], value, `🚨 attribute ${key} should be ${JSON.stringify(value)} (the session id is on the McpConnection), got ${JSON.stringify(span.attributes[key])}`);
    }
    assert.match(String(span.attributes["jsonrpc.request.id"]), /^\d+$/, "🚨 no jsonrpc.request.id: call mcp.client.callTool() while your span is active (shared/mcp's transport adds the id to it)");
  });

  it("the request's params._meta carries traceparent naming the client span", async () => {
    seenMeta.length = 0;
    await underParent(telemetry.tracer(), () => lesson.callMcpTool(mcp, "lookup_weather", { query: "Porto" }));
    const span = telemetry.spans().find((s) => s.name === "tools/call lookup_weather");
    const meta = seenMeta[0];
    assert.ok(meta && typeof meta.traceparent === "string", `🚨 the server got no params._meta.traceparent (got _meta ${JSON.stringify(meta)}): propagation.inject() into an object, passed as _meta in callTool()`);
    assert.ok(span, "🚨 no MCP client span to compare with");
    assert.equal(meta.traceparent, `00-${traceId(span)}-${spanId(span)}-01`, "🚨 _meta.traceparent does not name the MCP client span: inject while that span is active (inside startActiveSpan)");
  });

  it("a huge tool result comes back bounded", async () => {
    const text = await lesson.callMcpTool(mcp, "huge_report", { query: "all" });
    assert.ok(text.length <= 2001, `🚨 the tool's 3 MB answer came back at ${text.length} characters: keep boundToolResult()`);
  });
});

describe("Task 4: the MCP server span, its parent from params._meta", () => {
  const telemetry = useTestTelemetry();
  let server: McpHttpServer;
  let mcp: McpConnection;
  before(async () => {
    server = await listenMcp(lesson.traceToolCall);
    mcp = await connectMcp(server.url);
  });
  after(async () => {
    await mcp?.close();
    await server?.close();
  });

  it("a tools/call with traceparent in _meta gets a SERVER span, a child of the caller, with the mcp.md attributes", async () => {
    const { parent } = await underParent(telemetry.tracer(), async () => {
      const meta: Meta = {};
      propagation.inject(context.active(), meta);
      return mcp.client.callTool({ name: "lookup_weather", arguments: { query: "Berlin" }, _meta: meta });
    });
    const spans = telemetry.spans();
    const span = spans.find((s) => s.name === "tools/call lookup_weather" && s.kind === SpanKind.SERVER);
    assert.ok(span, `🚨 no SERVER span named "tools/call lookup_weather" on the MCP server; spans: ${names(spans)}`);
    assert.equal(traceId(span), parent.traceId, "🚨 the server span is in another trace: extract the parent from extra._meta (propagation.extract with metaGetter) and start the span in that context");
    assert.equal(parentId(span), parent.spanId, "🚨 the server span's parent should be the span named in _meta.traceparent");
    assert.equal(span.parentSpanContext?.isRemote, true, "🚨 the parent should be the remote context extracted from _meta");
    const expected: Record<string, unknown> = { "mcp.method.name": "tools/call", "gen_ai.tool.name": "lookup_weather", "mcp.session.id": mcp.sessionId };
    for (const [key, value] of Object.entries(expected)) {
      assert.equal(span.attributes[key], value, `🚨 attribute ${key} should be ${JSON.stringify(value)} (extra.sessionId), got ${JSON.stringify(span.attributes[key])}`);
    }
    const requestId = span.attributes["jsonrpc.request.id"];
    assert.ok(typeof requestId === "string" && /^\d+$/.test(requestId), `🚨 jsonrpc.request.id should be the request's id as a string (extra.requestId; mcp.md types it string), got ${JSON.stringify(requestId)}`);
    const work = findSpan(spans, "weather.lookup");
    assert.equal(parentId(work), spanId(span), "🚨 the tool's own work (weather.lookup) is not under the server span: make it active while the handler runs");
  });

  it("_meta that is missing or hostile gives a new root, and the call still works", async () => {
    const plain = await mcp.client.callTool({ name: "lookup_weather", arguments: { query: "Paris" } });
    const hostile = await mcp.client.callTool({ name: "lookup_weather", arguments: { query: "Paris" }, _meta: { traceparent: { not: "a string" }, tracestate: "x".repeat(100_000) } });
    for (const result of [plain, hostile]) assert.ok(Array.isArray(result.content), "🚨 the tool call failed when _meta was missing or hostile");
    const servers = telemetry.spans().filter((s) => s.kind === SpanKind.SERVER);
    assert.equal(servers.length, 2, `🚨 expected two SERVER spans, got ${names(servers)}`);
    for (const span of servers) assert.equal(parentId(span), undefined, "🚨 a server span without a valid _meta.traceparent should be a root");
  });
});

describe("Whole lesson: the agent loop, one trace", () => {
  const telemetry = useTestTelemetry();
  let modelServer: ModelServerProcess;
  let server: McpHttpServer;
  let mcp: McpConnection;
  before(
    async () => {
      modelServer = await startModelServer({ stdio: "ignore", env: { OTEL_TRACES_EXPORTER: "none" } });
      server = await listenMcp(lesson.traceToolCall);
      mcp = await connectMcp(server.url);
    },
    { timeout: 60_000 },
  );
  after(async () => {
    await mcp?.close();
    await server?.close();
    await modelServer?.stop();
  });

  it("invoke_agent → chat → execute_tool (local and MCP) → chat, in one trace; tool metrics with low-cardinality attributes", async () => {
    const toolbox: Lesson.Toolbox = { local: lesson.LOCAL_TOOLS.filter((tool) => tool.name === "current_time"), mcp, mcpTools: [{ name: "lookup_weather" }] };
    const result = await lesson.runAgent("Weather in Lisbon?", { modelUrl: modelServer.url, toolbox, toolTimeLimitMs: 5000 });
    assert.ok(result.answer, "🚨 the agent gave no answer");
    const spans = telemetry.spans();
    const agent = findSpan(spans, `invoke_agent ${lesson.AGENT_NAME}`);
    assert.equal(new Set(spans.map(traceId)).size, 1, `🚨 the run made more than one trace: ${names(spans)}`);
    assert.deepEqual(
      childrenOf(spans, agent).map((span) => span.name).sort(),
      ["chat gpt-4o-mini", "chat gpt-4o-mini", "execute_tool current_time", "execute_tool lookup_weather"],
      "🚨 the agent span's children should be two chat spans and one execute_tool per tool call",
    );
    assert.equal(spansNamed(spans, "tools/call lookup_weather").length, 2, "🚨 expected the MCP client and server spans of the lookup_weather call");

    const metrics = await telemetry.collectMetrics();
    const duration = metrics.find((metric) => metric.descriptor.name === "gen_ai.execute_tool.duration");
    assert.ok(duration, "🚨 no gen_ai.execute_tool.duration histogram");
    assert.equal(duration.descriptor.unit, "s", "🚨 gen_ai.execute_tool.duration is in seconds");
    for (const point of duration.dataPoints) {
      assert.equal(point.attributes["gen_ai.tool.call.id"], undefined, "🚨 the call id is unique per call: never a metric attribute");
      assert.ok(point.attributes["gen_ai.tool.name"], "🚨 gen_ai.tool.name is Required on gen_ai.execute_tool.duration");
    }
    assert.ok(metrics.some((metric) => metric.descriptor.name === "mcp.client.operation.duration"), "🚨 no mcp.client.operation.duration histogram");
  });

  it("a model that keeps asking for tools stops at the step limit, and the agent span says so", async () => {
    const toolbox: Lesson.Toolbox = { local: lesson.LOCAL_TOOLS.filter((tool) => tool.name === "current_time"), mcpTools: [] };
    const result = await lesson.runAgent("What time is it?", { modelUrl: modelServer.url, toolbox, maxSteps: 1 });
    assert.equal(result.stepLimitReached, true, "🚨 one step allowed, and the model asked for a tool: the limit should be reached");
    const agent = findSpan(telemetry.spans(), `invoke_agent ${lesson.AGENT_NAME}`);
    assert.equal(agent.attributes["app.agent.step_limit_reached"], true, "🚨 the agent span should carry app.agent.step_limit_reached");
    assert.equal(agent.attributes["error.type"], "step_limit_reached", "🚨 the agent span's error.type should say step_limit_reached");
  });

  it("an MCP server that dies mid-call: the call fails fast, the agent reports it, the spans show where", { timeout: 60_000 }, async () => {
    const dying = await startMcpServer({ stdio: "ignore", env: { OTEL_TRACES_EXPORTER: "none" } });
    const connection = await connectMcp(dying.url);
    try {
      const started = Date.now();
      const outcome = await lesson.executeTool(call("crash_server"), "extension", () => lesson.callMcpTool(connection, "crash_server", { query: "x" }));
      assert.ok(Date.now() - started < 5000, "🚨 the call to a server that died took more than 5 s to fail");
      assert.match(outcome.content, /^error: /, "🚨 the agent should report the failed call to the model");
      const client = telemetry.spans().find((span) => span.name === "tools/call crash_server");
      assert.ok(client, "🚨 no MCP client span for the call to the dying server");
      assert.match(String(client.attributes["error.type"]), /^[A-Za-z0-9_.-]{1,40}$/, "🚨 the client span's error.type should be a short code (the socket's)");
      assert.equal(client.status.code, SpanStatusCode.ERROR, "🚨 the client span of a call that failed should be ERROR");
    } finally {
      await connection.close();
      await dying.stop();
    }
  });
});
