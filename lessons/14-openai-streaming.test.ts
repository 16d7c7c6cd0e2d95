/**
 * Lesson 14 tests. `npm run verify -- 14` runs them against your
 * lessons/14-openai-streaming.ts; one describe per task in lessons/14-openai-streaming.md.
 *
 * Everything is real, as in lesson 13: the model server and your agent
 * service each run in a process of their own, the agent calls the model with
 * the official `openai` client, and both export spans (and the agent its log
 * records) over OTLP/HTTP to receivers in this test process.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { lessonModulePath, loadLesson } from "../shared/testing/index.ts";
import { startOtlpReceiver, type OtlpReceiver, type WireLogRecord } from "../shared/receivers/index.ts";
import { startModelServer, type ModelServerProcess } from "../shared/model-server/index.ts";
import { startAgentService, type AgentServiceProcess } from "../shared/agent-service/spawn.ts";
import { receivedSpans, settle, type ReceivedSpan } from "../shared/agent-service/otlp-spans.ts";
import { closedPortUrl, memo } from "../shared/agent-service/test-runs.ts";
import type * as Lesson from "./14-openai-streaming.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);
const MODULE = lessonModulePath(import.meta.url);
const AGENT_SPAN = `invoke_agent ${lesson.AGENT_NAME}`;
const OPENAI_SCOPE = "@opentelemetry/instrumentation-openai";
const UNDICI_SCOPE = "@opentelemetry/instrumentation-undici";
const BUDGET = 160;

const EMAIL = "ana.silva@example.com";
const API_KEY = "sk-proj-4fJ9xQ2mZ7pL0aB3cD5eF6gH8iJ1kL2m";
const SHORT = `Plan a three-day trip to Lisbon for ${EMAIL}`;
const LONG =
  "Plan a two-week rail journey from Lisbon to Istanbul, with a night train wherever there is one, a rest day every fourth day, and a budget line per city";

const otlpEnv = (receiver: OtlpReceiver) => ({
  OTEL_TRACES_EXPORTER: "otlp",
  OTEL_LOGS_EXPORTER: "otlp",
  OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.endpoint,
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.baseEndpoint}/v1/logs`,
  OTEL_BSP_SCHEDULE_DELAY: "50",
  OTEL_BLRP_SCHEDULE_DELAY: "50",
  OTEL_SERVICE_NAME: undefined,
  OTEL_RESOURCE_ATTRIBUTES: undefined,
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: undefined,
  WORKBOOK_MAX_ANSWER_CHARS: String(BUDGET),
});

let modelReceiver: OtlpReceiver;
let modelServer: ModelServerProcess;
const receivers: OtlpReceiver[] = [];
const agents: AgentServiceProcess[] = [];

before(
  async () => {
    modelReceiver = await startOtlpReceiver();
    // 20 ms between chunks: a stream the agent abandons is still being written when it walks away.
    modelServer = await startModelServer({
      stdio: "ignore",
      startTimeoutMs: 90_000,
      env: { ...otlpEnv(modelReceiver), OTEL_LOGS_EXPORTER: "none", WORKBOOK_MODEL_CHUNK_DELAY_MS: "20", WORKBOOK_MODEL_SLOW_MS: "10000" },
    });
    await Promise.allSettled([runA(), runB(), runC()]);
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
  reply: { answer?: string; error?: string; truncated?: boolean; usage?: { inputTokens: number; outputTokens: number } };
}
interface Run {
  agent: AgentServiceProcess;
  asked: Asked[];
  spans(): ReceivedSpan[];
  logs(): WireLogRecord[];
}

/** Starts your agent service with its own OTLP receiver, asks it questions, stops it (SIGTERM flushes), reads what arrived. */
async function runAgent(options: { env?: Record<string, string | undefined>; modelUrl?: string; asks: Asked["body"][] }): Promise<Run> {
  const receiver = await startOtlpReceiver();
  receivers.push(receiver);
  const agent = await startAgentService({
    module: MODULE,
    modelUrl: options.modelUrl ?? modelServer.url,
    stdio: "pipe",
    startTimeoutMs: 90_000,
    env: { ...otlpEnv(receiver), WORKBOOK_MODEL_TIMEOUT_MS: "4000", ...options.env },
  });
  agents.push(agent);
  const asked: Asked[] = [];
  for (const body of options.asks) {
    const res = await fetch(`${agent.url}/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    asked.push({ body, status: res.status, reply: (await res.json()) as Asked["reply"] });
  }
  await agent.stop(8000);
  await settle(() => receivedSpans(receiver).length, options.asks.length * 4, 300, 2000);
  return { agent, asked, spans: () => receivedSpans(receiver), logs: () => receiver.logRecords() };
}

/** Run A: content capture off (the default); a short answer, a long one the agent abandons, three failures. */
const runA = memo(() =>
  runAgent({
    asks: [
      { question: SHORT },
      { question: LONG },
      { question: "And a backup plan?", model: "fake-broken" },
      { question: "What does the sky say?", model: "fake-garbage" },
      { question: "Take your time", model: "fake-slow" },
    ],
  }),
);

/** Run B: the model server is down. */
const runB = memo(async () => runAgent({ modelUrl: await closedPortUrl(), asks: [{ question: "Anyone there?" }] }));

/** Run C: content capture on, a prompt with an e-mail address and an API key in it. */
const runC = memo(() =>
  runAgent({
    env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true" },
    asks: [{ question: `Book it for ${EMAIL}, my key is ${API_KEY}` }],
  }),
);

const describeSpans = (spans: readonly ReceivedSpan[]) =>
  spans.length === 0 ? "(no spans at all)" : spans.map((s) => `${s.name} ${s.kind} [${s.scope}]`).join(", ");

/** Your agent span for the nth request to `model`. */
const agentSpanFor = (run: Run, model: string, nth = 0) =>
  run.spans().filter((span) => span.name === AGENT_SPAN && span.tags["gen_ai.request.model"] === model)[nth];
const childOf = (spans: readonly ReceivedSpan[], parent: ReceivedSpan | undefined) => spans.find((span) => parent && span.parentId === parent.spanId);
const endMicros = (span: ReceivedSpan) => span.startMicros + span.durationMicros;

describe("Task 1: the OpenAI client's own instrumentation", () => {
  it(`a "chat gpt-4o-mini" CLIENT span from ${OPENAI_SCOPE}, between your span and the fetch`, async () => {
    const run = await runA();
    const agent = agentSpanFor(run, "gpt-4o-mini");
    assert.ok(agent, `🚨 no "${AGENT_SPAN}" span for the first question (got: ${describeSpans(run.spans())})`);
    const chat = childOf(run.spans(), agent);
    assert.ok(
      chat?.scope === OPENAI_SCOPE,
      `🚨 the first child of "${AGENT_SPAN}" is ${chat ? `"${chat.name}" from ${chat.scope}` : "missing"}, not a chat span from ${OPENAI_SCOPE}.\n` +
        "   Is OpenAIInstrumentation among NodeSDK's instrumentations? It only patches `openai` if it is registered before the client is loaded.",
    );
    assert.equal(chat.name, "chat gpt-4o-mini", "🚨 GenAI inference spans are named \"{gen_ai.operation.name} {gen_ai.request.model}\"");
    assert.equal(chat.kind, "CLIENT");
    assert.equal(chat.tags["gen_ai.operation.name"], "chat");
    // 0.21.0 emits the older provider attribute; see the lesson text.
    assert.equal(chat.tags["gen_ai.system"], "openai");
    const fetchSpan = childOf(run.spans(), chat);
    assert.equal(fetchSpan?.scope, UNDICI_SCOPE, "🚨 the fetch's CLIENT span (instrumentation-undici) should be the chat span's child");
    const served = receivedSpans(modelReceiver).find((span) => span.parentId === fetchSpan?.spanId);
    assert.ok(served, "🚨 the model server's SERVER span is not a child of the fetch: the trace is broken between the processes");
  });

  it("a failed call: the chat span is ERROR, with error.type from the client's error class", async () => {
    const run = await runA();
    const chat = run.spans().find((span) => span.scope === OPENAI_SCOPE && span.name === "chat fake-broken");
    assert.ok(chat, `🚨 no "chat fake-broken" span from ${OPENAI_SCOPE} for the call the model server failed (got: ${describeSpans(run.spans())})`);
    assert.equal(chat.status, "ERROR");
    assert.equal(chat.tags["error.type"], "InternalServerError", "🚨 instrumentation-openai 0.21.0 puts the error's class name in error.type");
  });
});

const events = (logs: readonly WireLogRecord[], name: string) => logs.filter((record) => record.attributes["event.name"] === name);

describe("Task 2: message events through a LoggerProvider, content off by default, redacted when on", () => {
  it("RedactingLogProcessor masks secrets in a record's body before the exporting processor sees it", async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ processors: [new lesson.RedactingLogProcessor(), new SimpleLogRecordProcessor({ exporter })] });
    // The shape instrumentation-openai gives a gen_ai.choice record's body.
    provider.getLogger("test").emit({ body: { index: 0, message: { content: `Write to ${EMAIL}, key ${API_KEY}` } } });
    // Read before shutdown(): the in-memory exporter forgets its records when it shuts down.
    const body = JSON.stringify(exporter.getFinishedLogRecords()[0]?.body ?? null);
    await provider.shutdown();
    assert.ok(
      !body.includes(EMAIL) && !body.includes(API_KEY),
      `🚨 the exporter received the record with the e-mail address or the API key in clear: ${body.slice(0, 160)}.\n` +
        "   RedactingLogProcessor.onEmit runs before the exporting processor: replace the record's body with a redacted copy (setBody).",
    );
    assert.match(body, /\[REDACTED:email\]/, "🚨 the e-mail address should be replaced by lesson 12's marker, [REDACTED:email]");
  });

  it("the instrumentation's events arrive as log records on the chat span, without content by default", async () => {
    const run = await runA();
    // Without a chat span (task 1) there is nothing to emit events: Task 1's tests report that.
    if (!run.spans().some((span) => span.scope === OPENAI_SCOPE)) return;
    const users = events(run.logs(), "gen_ai.user.message");
    assert.ok(
      users.length > 0,
      `🚨 no log record with event.name gen_ai.user.message arrived (${run.logs().length} log records in all).\n` +
        "   instrumentation-openai 0.21.0 emits its GenAI events through the Logs API: NodeSDK needs log record processors,\n" +
        "   and the instrumentation needs the LoggerProvider they feed (look at setLoggerProvider on the instrumentation).",
    );
    const chat = run.spans().find((span) => span.scope === OPENAI_SCOPE && span.name === "chat gpt-4o-mini");
    if (chat) assert.ok(users.some((record) => record.spanId === chat.spanId), "🚨 the gen_ai.user.message record does not carry the chat span's id");
    assert.ok(events(run.logs(), "gen_ai.choice").length > 0, "🚨 no gen_ai.choice record: the answer's event is missing");
    for (const record of run.logs()) {
      assert.ok(!record.body.includes("three-day"), `🚨 with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT unset, a record carries message content: ${record.body.slice(0, 120)}`);
    }
  });

  it("with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true the content is there, and redacted before export", async () => {
    const run = await runC();
    if (!run.spans().some((span) => span.scope === OPENAI_SCOPE)) return; // task 1 first
    const users = events(run.logs(), "gen_ai.user.message");
    assert.ok(users.length > 0, `🚨 no gen_ai.user.message log record arrived from the run with content capture on (${run.logs().length} records)`);
    const body = users[0]!.body;
    assert.match(body, /Book it for/, `🚨 content capture is on, yet the user message's body has no content: ${body.slice(0, 160)}`);
    assert.ok(
      !body.includes(EMAIL) && !body.includes(API_KEY),
      `🚨 the user message reached the backend with the e-mail address or the API key in clear: ${body.slice(0, 160)}.\n` +
        "   Redact each record's body in a LogRecordProcessor that runs before the exporting one (lesson 12's detectors).",
    );
    assert.match(body, /\[REDACTED:email\]/);
    for (const record of events(run.logs(), "gen_ai.choice")) {
      assert.ok(!record.body.includes(EMAIL), "🚨 the model's answer echoes the e-mail address, and its gen_ai.choice record was not redacted");
    }
  });
});

describe("Task 3: streaming on your span: time to first chunk, usage from the last chunk, ended with the stream", () => {
  it(`"${AGENT_SPAN}" has gen_ai.response.time_to_first_chunk, in seconds, within the span`, async () => {
    const run = await runA();
    const agent = agentSpanFor(run, "gpt-4o-mini");
    assert.ok(agent, `🚨 no "${AGENT_SPAN}" span for the first question`);
    const ttfc = Number(agent.tags[lesson.ATTR_TIME_TO_FIRST_CHUNK]);
    assert.ok(
      agent.tags[lesson.ATTR_TIME_TO_FIRST_CHUNK] !== undefined && ttfc > 0,
      `🚨 "${AGENT_SPAN}" has no positive ${lesson.ATTR_TIME_TO_FIRST_CHUNK}: measure from the request to the first chunk of the stream.`,
    );
    assert.ok(ttfc < agent.durationMicros / 1e6, `🚨 ${lesson.ATTR_TIME_TO_FIRST_CHUNK} is ${ttfc}, longer than the span itself: the conventions ask for seconds, not milliseconds`);
  });

  it("the token usage on your span is the model's, from the stream's final usage chunk", async () => {
    const run = await runA();
    const agent = agentSpanFor(run, "gpt-4o-mini");
    assert.ok(agent, `🚨 no "${AGENT_SPAN}" span for the first question`);
    const served = receivedSpans(modelReceiver).find((span) => span.traceId === agent.traceId && span.kind === "SERVER");
    assert.ok(served, "🚨 the model server's span for the first question did not arrive");
    for (const key of ["gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"]) {
      assert.equal(
        agent.tags[key],
        served.tags[key],
        `🚨 ${key} on "${AGENT_SPAN}" is ${agent.tags[key] ?? "(unset)"}, the model counted ${served.tags[key]}. A streamed reply carries usage only in a last chunk, and only when the request asks for it (stream_options).`,
      );
    }
    assert.equal(run.asked[0]?.reply.usage?.outputTokens, Number(served.tags["gen_ai.usage.output_tokens"]), "🚨 the agent's answer should report the same usage");
  });

  it("your span ends when the stream has ended, not when the response headers came", async () => {
    const run = await runA();
    const agent = agentSpanFor(run, "gpt-4o-mini");
    assert.ok(agent, `🚨 no "${AGENT_SPAN}" span for the first question`);
    const served = receivedSpans(modelReceiver).find((span) => span.traceId === agent.traceId && span.kind === "SERVER");
    assert.ok(served, "🚨 the model server's span for the first question did not arrive");
    // The model server's span ends after its last write plus one chunk delay (20 ms); a span ended at the
    // response headers ends ~17 chunks (over 300 ms) early. 60 ms of slack tells the two apart.
    assert.ok(endMicros(agent) >= endMicros(served) - 60_000, `🚨 "${AGENT_SPAN}" ended ${((endMicros(served) - endMicros(agent)) / 1000).toFixed(1)} ms before the model server finished streaming`);
  });
});

describe("Task 4: the abandoned stream: stop reading at the budget, abort, and still end your span", () => {
  it("the model server sees the agent hang up once the answer reaches the budget", async () => {
    const run = await runA();
    const reply = run.asked[1]?.reply;
    assert.ok(reply?.answer !== undefined, `🚨 the long question got no answer: ${reply?.error}`);
    assert.ok(reply.answer.length <= BUDGET, `🚨 the answer has ${reply.answer.length} characters, the budget (WORKBOOK_MAX_ANSWER_CHARS) is ${BUDGET}`);
    const agent = agentSpanFor(run, "gpt-4o-mini", 1);
    assert.ok(agent, `🚨 no "${AGENT_SPAN}" span for the long question: does it end on every path, a break out of the loop included (finally)?`);
    const served = receivedSpans(modelReceiver).find((span) => span.traceId === agent.traceId && span.kind === "SERVER");
    assert.ok(served, "🚨 the model server's span for the long question did not arrive");
    assert.ok(
      served.events.includes("client_disconnected"),
      `🚨 the model server streamed the long answer to its end (no client_disconnected event), although the agent keeps only ${BUDGET} characters:\n` +
        "   every token after that is generated and paid for. Stop reading the stream once the budget is reached, and abort its request (the Stream's controller).",
    );
  });

  it(`your span for the abandoned stream: ended, not an error, marked ${"app.answer.truncated"}`, async () => {
    const run = await runA();
    const agent = agentSpanFor(run, "gpt-4o-mini", 1);
    assert.ok(agent, `🚨 no "${AGENT_SPAN}" span for the long question`);
    assert.notEqual(agent.status, "ERROR", `🚨 "${AGENT_SPAN}" is ERROR for a stream the agent chose to stop: nothing failed (Trace API, Set Status; error.type is for operations that ended in an error)`);
    assert.equal(agent.tags[lesson.ATTR_ANSWER_TRUNCATED], "true", `🚨 "${AGENT_SPAN}" does not say the answer was cut: set ${lesson.ATTR_ANSWER_TRUNCATED} when you stop reading`);
    assert.equal(run.asked[1]?.reply.truncated, true, "🚨 the agent's reply should say truncated: true");
  });
});

describe("The service under faults and bad input", () => {
  it("a failing model server still ends the request: 502, a clear line, your span ERROR with error.type", async () => {
    const a = await runA();
    const b = await runB();
    // The last column: what instrumentation-openai 0.21.0 says on its chat span (checked once task 1 gives one).
    const cases: [Run, number, string, string, string | undefined][] = [
      [a, 2, "fake-broken", "500", "InternalServerError"],
      [a, 3, "fake-garbage", "invalid_response", undefined],
      [a, 4, "fake-slow", "timeout", "APIConnectionTimeoutError"],
      [b, 0, "gpt-4o-mini", "ECONNREFUSED", "APIConnectionError"],
    ];
    for (const [run, index, model, errorType, chatErrorType] of cases) {
      const { status, reply } = run.asked[index]!;
      assert.equal(status, 502, `🚨 ${model}: expected 502 from the agent, got ${status}`);
      assert.match(reply.error ?? "", /model server/, `🚨 the error line should name the model server: ${reply.error}`);
      assert.doesNotMatch(reply.error ?? "", /[\u0000-\u001f]/, "🚨 the error line carries control characters from the network");
      const span = agentSpanFor(run, model);
      assert.ok(span, `🚨 no "${AGENT_SPAN}" span for ${model}`);
      assert.equal(span.status, "ERROR", `🚨 "${AGENT_SPAN}" for ${model} is ${span.status}`);
      assert.equal(span.tags["error.type"], errorType, `🚨 error.type for ${model} is ${span.tags["error.type"] ?? "(unset)"}, expected ${errorType}`);
      const chat = childOf(run.spans(), span);
      if (chat?.scope === OPENAI_SCOPE) {
        assert.equal(chat.tags["error.type"], chatErrorType, `🚨 the chat span's error.type for ${model}: ${chat.tags["error.type"] ?? "(unset)"}`);
        assert.equal(chat.status, chatErrorType ? "ERROR" : "UNSET");
      }
    }
  });
});
