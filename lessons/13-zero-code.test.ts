/**
 * Lesson 13 tests. `npm run verify -- 13` runs them against your
 * lessons/13-zero-code.ts; one describe per task in lessons/13-zero-code.md.
 *
 * Everything is real: the model server and your agent service each run in a
 * process of their own (the agent started the zero-code way, `node --import`
 * with your startInstrumentation()), talk over HTTP on 127.0.0.1, and export
 * their spans over OTLP/HTTP (http/json) to a receiver in this test process.
 * No span is made in here: every assertion reads what your service sent.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { lessonModulePath, loadLesson } from "../shared/testing/index.ts";
import { startOtlpReceiver, type OtlpReceiver } from "../shared/receivers/index.ts";
import { startModelServer, type ModelServerProcess } from "../shared/model-server/index.ts";
import { startAgentService, type AgentServiceProcess } from "../shared/agent-service/spawn.ts";
import { receivedSpans, settle, type ReceivedSpan } from "../shared/agent-service/otlp-spans.ts";
import type * as Lesson from "./13-zero-code.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);
const MODULE = lessonModulePath(import.meta.url);
const AGENT_SPAN = `invoke_agent ${lesson.AGENT_NAME}`;
const HTTP_SCOPE = "@opentelemetry/instrumentation-http";
const UNDICI_SCOPE = "@opentelemetry/instrumentation-undici";

const otlpEnv = (receiver: OtlpReceiver, delayMs = 50) => ({
  OTEL_TRACES_EXPORTER: "otlp",
  OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.endpoint,
  OTEL_BSP_SCHEDULE_DELAY: String(delayMs),
  OTEL_SERVICE_NAME: undefined,
  OTEL_RESOURCE_ATTRIBUTES: undefined,
});

let modelReceiver: OtlpReceiver;
let modelServer: ModelServerProcess;
const receivers: OtlpReceiver[] = [];
const agents: AgentServiceProcess[] = [];

// Starting a process takes seconds on a busy machine: the runs start together, once,
// here; each test then reads what its run sent (a run that failed to start fails them).
before(
  async () => {
    modelReceiver = await startOtlpReceiver();
    modelServer = await startModelServer({ stdio: "ignore", startTimeoutMs: 90_000, env: { ...otlpEnv(modelReceiver), WORKBOOK_MODEL_SLOW_MS: "10000" } });
    await Promise.allSettled([runA(), runB(), runD()]);
  },
  { timeout: 180_000 },
);
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop(1000)));
  await modelServer?.stop();
  await Promise.all([modelReceiver, ...receivers].filter(Boolean).map((receiver) => receiver.close()));
});

interface Asked {
  body: { question: string; model?: string };
  status: number;
  reply: { answer?: string; error?: string };
}
interface Run {
  agent: AgentServiceProcess;
  receiver: OtlpReceiver;
  asked: Asked[];
  spans(): ReceivedSpan[];
}

/** Starts your agent service with its own OTLP receiver, asks it questions, waits for the spans. */
async function runAgent(options: { env?: Record<string, string | undefined>; modelUrl?: string; asks: Asked["body"][]; delayMs?: number; wait?: boolean }): Promise<Run> {
  const receiver = await startOtlpReceiver();
  receivers.push(receiver);
  const agent = await startAgentService({
    module: MODULE,
    modelUrl: options.modelUrl ?? modelServer.url,
    stdio: "pipe",
    // Generous: on a busy machine loading tsx and the SDK alone can take 10+ s.
    startTimeoutMs: 90_000,
    env: { ...otlpEnv(receiver, options.delayMs), WORKBOOK_MODEL_TIMEOUT_MS: "4000", ...options.env },
  });
  agents.push(agent);
  const asked: Asked[] = [];
  for (const body of options.asks) {
    const res = await fetch(`${agent.url}/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    asked.push({ body, status: res.status, reply: (await res.json()) as Asked["reply"] });
  }
  // Three spans per request when every task is done; fewer arrive when one is missing.
  if (options.wait !== false) await settle(() => receivedSpans(receiver).length, options.asks.length * 3);
  return { agent, receiver, asked, spans: () => receivedSpans(receiver) };
}

const memo = <T>(make: () => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
};

/** Run A: the environment names the service; one good question and three the model server fails. */
const runA = memo(() =>
  runAgent({
    env: { OTEL_SERVICE_NAME: "checkout-agent", OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=staging,team=agents" },
    asks: [
      { question: "Plan a three-day trip to Lisbon" },
      { question: "And a backup plan?", model: "fake-broken" },
      { question: "What does the sky say?", model: "fake-garbage" },
      { question: "Take your time", model: "fake-slow" },
    ],
  }),
);

/** A port nothing listens on: the model server "down". */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Run B: no OTEL_SERVICE_NAME, and the model server is down. */
const runB = memo(async () => runAgent({ modelUrl: await closedPortUrl(), asks: [{ question: "Anyone there?" }] }));

/** Run D: a batch delay of 60 s, so only a flush at shutdown delivers its spans. */
const runD = memo(() => runAgent({ delayMs: 60_000, asks: [{ question: "Last question before the deploy" }], wait: false }));

const describeSpans = (spans: readonly ReceivedSpan[]) =>
  spans.length === 0 ? "(no spans at all)" : spans.map((s) => `${s.name} ${s.kind} [${s.scope}]`).join(", ");

describe("Task 1: NodeSDK with the HTTP and undici instrumentations, loaded before the app", () => {
  it("the agent's own HTTP server makes a SERVER span (instrumentation-http)", async () => {
    const run = await runA();
    const servers = run.spans().filter((span) => span.kind === "SERVER" && span.scope === HTTP_SCOPE);
    assert.ok(
      servers.length >= run.asked.length,
      `🚨 no SERVER span from ${HTTP_SCOPE} for POST /ask (got: ${describeSpans(run.spans())}).\n` +
        "   Is HttpInstrumentation among NodeSDK's instrumentations? The app imports node:http as an ES module:\n" +
        "   its imports are only patched through the ESM loader hook (@opentelemetry/instrumentation/hook.mjs,\n" +
        "   registered with node:module's register()) before the app's modules load.",
    );
    const first = servers.find((span) => span.tags["http.response.status_code"] === "200");
    assert.ok(first, "🚨 no SERVER span with http.response.status_code 200 for the successful question");
    assert.equal(first.tags["http.request.method"], "POST");
  });

  it("fetch to the model server makes a CLIENT span (instrumentation-undici), and the model server's SERVER span is its child", async () => {
    const run = await runA();
    const clients = run.spans().filter((span) => span.kind === "CLIENT" && span.scope === UNDICI_SCOPE);
    assert.ok(
      clients.length > 0,
      `🚨 no CLIENT span from ${UNDICI_SCOPE} for the fetch to the model server (got: ${describeSpans(run.spans())}).\n` +
        "   Node's fetch is undici, which instrumentation-http does not see: NodeSDK needs UndiciInstrumentation too.",
    );
    const client = clients.find((span) => span.tags["url.full"]?.endsWith("/v1/chat/completions") && span.tags["http.response.status_code"] === "200");
    assert.ok(client, "🚨 no CLIENT span with url.full …/v1/chat/completions and http.response.status_code 200");
    const modelSide = receivedSpans(modelReceiver).find((span) => span.parentId === client.spanId);
    assert.ok(
      modelSide,
      "🚨 the model server's SERVER span is not a child of the fetch's CLIENT span: the traceparent header did not reach it.",
    );
    assert.equal(modelSide.traceId, client.traceId);
  });
});

describe("Task 2: the resource comes from the environment, with defaults in code", () => {
  it("OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the code's defaults", async () => {
    const run = await runA();
    const span = run.spans()[0];
    assert.ok(span, "🚨 the agent service sent no spans at all: is NodeSDK started in startInstrumentation()?");
    assert.equal(
      span.resource["service.name"],
      "checkout-agent",
      `🚨 with OTEL_SERVICE_NAME=checkout-agent the spans say service.name "${span.resource["service.name"]}".\n` +
        "   NodeSDK applies its `serviceName` option after the resource detectors (env, process, host), so it beats\n" +
        "   the environment. A default the environment can override belongs in the Resource NodeSDK starts from.",
    );
    assert.equal(span.resource["deployment.environment.name"], "staging", "🚨 OTEL_RESOURCE_ATTRIBUTES was not applied: are the default resource detectors still on?");
  });

  it(`without them, the service is "agent-service" 1.0.0 and keeps telemetry.sdk.*`, async () => {
    const run = await runB();
    const span = run.spans()[0];
    assert.ok(span, "🚨 the agent service sent no spans at all: is NodeSDK started in startInstrumentation()?");
    assert.equal(span.resource["service.name"], lesson.SERVICE_NAME, `🚨 service.name is "${span.resource["service.name"]}", expected the default "${lesson.SERVICE_NAME}"`);
    assert.equal(span.resource["service.version"], lesson.SERVICE_VERSION, `🚨 service.version is "${span.resource["service.version"] ?? "(unset)"}", expected "${lesson.SERVICE_VERSION}" from the code`);
    assert.equal(
      span.resource["telemetry.sdk.language"],
      "nodejs",
      "🚨 the resource lost telemetry.sdk.*: a `resource` given to NodeSDK replaces its defaultResource(); merge yours into it.",
    );
  });
});

describe("Task 3: your own span for the agent step, inside the auto-instrumented request", () => {
  it(`"${AGENT_SPAN}" is an INTERNAL span with the GenAI agent attributes and the token usage`, async () => {
    const run = await runA();
    const agent = run.spans().find((span) => span.name === AGENT_SPAN && span.tags["gen_ai.request.model"] === "gpt-4o-mini");
    assert.ok(agent, `🚨 no span "${AGENT_SPAN}" for the successful question (got: ${describeSpans(run.spans())}). Start one in runAgentStep() with the tracer.`);
    assert.equal(agent.kind, "INTERNAL", "🚨 an agent running in this process is an INTERNAL span (GenAI agent spans: invoke_agent internal span)");
    assert.equal(agent.tags["gen_ai.operation.name"], "invoke_agent");
    assert.equal(agent.tags["gen_ai.agent.name"], lesson.AGENT_NAME);
    // The usage the model reported, as the agent service answered it.
    const usage = (run.asked[0]?.reply as { usage?: { inputTokens: number; outputTokens: number } }).usage;
    assert.ok(usage, "🚨 the agent service's answer carries no usage");
    for (const [key, value] of [["gen_ai.usage.input_tokens", usage.inputTokens], ["gen_ai.usage.output_tokens", usage.outputTokens]] as const) {
      assert.equal(agent.tags[key], String(value), `🚨 ${key} on "${AGENT_SPAN}" should be the usage the model reported (${value}), got ${agent.tags[key] ?? "(unset)"}`);
    }
  });

  it("it is the active span while the model is called: child of the request's SERVER span, parent of the fetch", async () => {
    const run = await runA();
    const agent = run.spans().find((span) => span.name === AGENT_SPAN && span.tags["gen_ai.request.model"] === "gpt-4o-mini");
    assert.ok(agent, `🚨 no span "${AGENT_SPAN}" for the successful question`);
    const trace = run.spans().filter((span) => span.traceId === agent.traceId);
    const server = trace.find((span) => span.kind === "SERVER");
    const clients = run.spans().filter((span) => span.kind === "CLIENT" && span.tags["http.response.status_code"] === "200");
    // The HTTP spans exist once task 1 is done; then the whole chain must hold.
    if (server) assert.equal(agent.parentId, server.spanId, `🚨 "${AGENT_SPAN}" is not a child of the request's SERVER span: start it in the active context`);
    if (clients.length > 0) {
      assert.ok(
        clients.some((client) => client.parentId === agent.spanId),
        `🚨 the fetch's CLIENT span is not a child of "${AGENT_SPAN}": was your span the active one while the model was called (startActiveSpan, or context.with)?`,
      );
    }
  });

  it("a failed model call ends the span ERROR with error.type: 500, invalid_response, timeout, ECONNREFUSED", async () => {
    const a = await runA();
    const b = await runB();
    const cases: [Run, string, string][] = [
      [a, "fake-broken", "500"],
      [a, "fake-garbage", "invalid_response"],
      [a, "fake-slow", "timeout"],
      [b, "gpt-4o-mini", "ECONNREFUSED"],
    ];
    for (const [run, model, errorType] of cases) {
      const span = run.spans().find((s) => s.name === AGENT_SPAN && s.tags["gen_ai.request.model"] === model);
      assert.ok(span, `🚨 no span "${AGENT_SPAN}" for the request whose model call failed (${errorType}): is the span ended on every path (finally)?`);
      assert.equal(span.status, "ERROR", `🚨 "${AGENT_SPAN}" ended ${span.status} although the model call failed (${errorType}): record the error on the span`);
      assert.equal(span.tags["error.type"], errorType, `🚨 error.type on "${AGENT_SPAN}" is ${span.tags["error.type"] ?? "(unset)"}, expected "${errorType}"`);
    }
  });
});

describe("Task 4: flush on SIGTERM", () => {
  it("on SIGTERM the service flushes, then exits by itself with code 0", async () => {
    const run = await runD();
    run.agent.terminate();
    const ended = await Promise.race([run.agent.exited, new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 8000))]);
    if (ended === "running") await run.agent.stop(500); // SIGKILL: the next test must not wait for it
    assert.ok(
      ended !== "running",
      "🚨 the agent service is still running 8 s after SIGTERM: once the SDK's shutdown() has resolved, the process must exit (its HTTP server keeps it alive).",
    );
    assert.notEqual(
      ended.signal,
      "SIGTERM",
      "🚨 SIGTERM killed the agent service (the signal's default action): nothing was flushed. Handle the signal with process.once and shut the SDK down.",
    );
    assert.equal(ended.code, 0, `🚨 the agent service exited with code ${ended.code} after SIGTERM:\n${run.agent.output().slice(-800)}`);
  });

  it("the last request's spans reach the backend although the batch delay is 60 s", async () => {
    const run = await runD();
    await Promise.race([run.agent.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    await settle(() => run.spans().length, 1, 300, 1000);
    assert.ok(
      run.spans().length > 0,
      "🚨 no spans arrived: the batch processor still held them when the process ended. Await the SDK's shutdown() (it flushes) before process.exit().",
    );
  });
});

describe("The service under faults and bad input", () => {
  it("a failing model server still ends the request, with a 502 and a clear line", async () => {
    const a = await runA();
    const b = await runB();
    const lines = [...a.asked.slice(1), ...b.asked];
    for (const { status, reply, body } of lines) {
      assert.equal(status, 502, `🚨 ${body.model ?? "gpt-4o-mini"}: expected 502 from the agent, got ${status}`);
      assert.match(reply.error ?? "", /model server/, `🚨 the error line should name the model server: ${reply.error}`);
      assert.doesNotMatch(reply.error ?? "", /[\u0000-\u001f]/, "🚨 the error line carries control characters from the network");
    }
    assert.equal(a.asked[0]?.status, 200);
  });

  it("a malformed request gets a 400 with the reason, never a stack trace", async () => {
    const run = await runA();
    for (const body of ["{nope", JSON.stringify({ question: "" }), JSON.stringify({ question: "hi", model: "bad model\u001b[31m" })]) {
      const res = await fetch(`${run.agent.url}/ask`, { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = await res.text();
      assert.equal(res.status, 400, `🚨 ${body}: expected 400, got ${res.status}`);
      assert.doesNotMatch(text, /at .*:\d+:\d+/, "🚨 the 400 body carries a stack trace");
    }
  });
});
