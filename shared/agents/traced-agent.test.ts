/**
 * The instrumented agent and LLM call against the real SDK: a fresh tracer
 * provider, meter provider and context manager per test, registered as the
 * globals — exactly what an application's setup does — and torn down after.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { context, metrics, trace, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { DataPointType, MeterProvider, MetricReader, type HistogramMetricData, type MetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { Agent, FakeLLM, LlmTimeoutError, RateLimitError, TracedAgent, countTokens, tracedChat } from "./index.ts";

/** A pull-only reader: the test calls collect() when it wants the numbers. */
class TestMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let spanExporter: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let metricReader: TestMetricReader;
let meterProvider: MeterProvider;

beforeEach(() => {
  spanExporter = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  metricReader = new TestMetricReader();
  meterProvider = new MeterProvider({ readers: [metricReader] });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  // Without a context manager, every startActiveSpan child would become a new root.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

afterEach(async () => {
  trace.disable();
  metrics.disable();
  context.disable();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
});

const spanNamed = (name: string): ReadableSpan => {
  const spans = spanExporter.getFinishedSpans();
  const span = spans.find((s) => s.name === name);
  assert.ok(span, `🚨 no finished span named "${name}"; got: ${JSON.stringify(spans.map((s) => s.name))}`);
  return span;
};

async function collectHistogram(name: string): Promise<HistogramMetricData> {
  const { resourceMetrics, errors } = await metricReader.collect();
  assert.deepEqual(errors, []);
  const all: MetricData[] = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  const metric = all.find((m) => m.descriptor.name === name);
  assert.ok(metric, `🚨 no metric named "${name}"; got: ${JSON.stringify(all.map((m) => m.descriptor.name))}`);
  assert.equal(metric.dataPointType, DataPointType.HISTOGRAM);
  return metric as HistogramMetricData;
}

describe("TracedAgent spans", () => {
  it("creates invoke_agent → chat, as in the seed's TracedAgent('my_agent', 'gpt-4')", async () => {
    const agent = new TracedAgent("my_agent", "gpt-4", { llm: new FakeLLM({ latencyMs: 0 }) });
    const reply = await agent.processMessage("user_123", "Hello!");

    assert.equal(spanExporter.getFinishedSpans().length, 2);
    const agentSpan = spanNamed("invoke_agent my_agent");
    const chatSpan = spanNamed("chat gpt-4");

    assert.equal(agentSpan.parentSpanContext, undefined, "the agent span is the root");
    assert.equal(chatSpan.parentSpanContext?.spanId, agentSpan.spanContext().spanId, "🚨 chat must be a child of invoke_agent");
    assert.equal(chatSpan.spanContext().traceId, agentSpan.spanContext().traceId);
    assert.equal(agentSpan.kind, SpanKind.INTERNAL);
    assert.equal(chatSpan.kind, SpanKind.CLIENT);
    assert.equal(agentSpan.instrumentationScope.name, "workbook.agents");
    assert.equal(agentSpan.status.code, SpanStatusCode.UNSET);
    assert.equal(chatSpan.status.code, SpanStatusCode.UNSET);

    assert.deepEqual(agentSpan.attributes, {
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "my_agent",
      "gen_ai.request.model": "gpt-4",
      "gen_ai.provider.name": "fake",
      "user.id": "user_123",
      "gen_ai.usage.input_tokens": reply.usage.inputTokens,
      "gen_ai.usage.output_tokens": reply.usage.outputTokens,
    });
    assert.deepEqual(
      agentSpan.events.map((e) => [e.name, e.attributes]),
      [
        ["message_received", { "app.message.length": "Hello!".length }],
        ["response_ready", { "app.response.length": reply.content.length }],
      ],
    );

    const instructions = agent.instructions;
    assert.deepEqual(chatSpan.attributes, {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "fake",
      "gen_ai.request.model": "gpt-4",
      "gen_ai.response.id": chatSpan.attributes["gen_ai.response.id"],
      "gen_ai.response.model": "gpt-4",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": countTokens(instructions) + countTokens("Hello!"),
      "gen_ai.usage.output_tokens": countTokens(reply.content),
    });
    assert.match(String(chatSpan.attributes["gen_ai.response.id"]), /^chatcmpl-[0-9a-f]{8}$/);
  });

  it("records no message content on any span", async () => {
    const secret = "my password is hunter2";
    await new TracedAgent("a", "gpt-4", { llm: new FakeLLM({ latencyMs: 0 }) }).processMessage("u", secret);
    for (const span of spanExporter.getFinishedSpans()) {
      const values = [...Object.values(span.attributes), ...span.events.flatMap((e) => Object.values(e.attributes ?? {}))];
      for (const value of values) assert.ok(!String(value).includes("hunter2"), `🚨 span "${span.name}" leaks message content`);
    }
  });

  it("sets gen_ai.conversation.id when given", async () => {
    const agent = new TracedAgent("a", "gpt-4", { llm: new FakeLLM({ latencyMs: 0 }), conversationId: "conv-42" });
    await agent.processMessage("u", "Hi");
    assert.equal(spanNamed("invoke_agent a").attributes["gen_ai.conversation.id"], "conv-42");
  });

  it("keeps concurrent agents' chat spans under their own agent span", async () => {
    const llm = new FakeLLM(); // default 5–15 ms latency: the calls really overlap
    const agents = [new TracedAgent("alice", "gpt-4", { llm }), new TracedAgent("bob", "claude", { llm })];
    await Promise.all(agents.map((a) => a.processMessage("u", "Plan the release")));
    const alice = spanNamed("invoke_agent alice");
    const bob = spanNamed("invoke_agent bob");
    assert.notEqual(alice.spanContext().traceId, bob.spanContext().traceId, "two top-level calls, two traces");
    assert.equal(spanNamed("chat gpt-4").parentSpanContext?.spanId, alice.spanContext().spanId);
    assert.equal(spanNamed("chat claude").parentSpanContext?.spanId, bob.spanContext().spanId);
  });

  it("answers exactly like the plain Agent (instrumentation changes no behaviour)", async () => {
    const plain = await new Agent("a", "gpt-4", { llm: new FakeLLM({ seed: 9, latencyMs: 0 }) }).processMessage("u", "Hello!");
    const traced = await new TracedAgent("a", "gpt-4", { llm: new FakeLLM({ seed: 9, latencyMs: 0 }) }).processMessage("u", "Hello!");
    assert.deepEqual(traced, plain);
    assert.equal(plain.agent, "a");
  });

  it("still works with no SDK registered: the API alone is a no-op", async () => {
    trace.disable();
    metrics.disable();
    const reply = await new TracedAgent("a", "gpt-4", { llm: new FakeLLM({ latencyMs: 0 }) }).processMessage("u", "Hello!");
    assert.ok(reply.content.length > 0);
    assert.equal(spanExporter.getFinishedSpans().length, 0);
  });
});

describe("tracedChat", () => {
  it("is a child of the active span and records request parameters", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    const tracer = trace.getTracer("test");
    const response = await tracer.startActiveSpan("outer", async (outer) => {
      try {
        return await tracedChat(llm, { model: "gpt-4o", messages: [{ role: "user", content: "What is a span?" }], maxTokens: 4, temperature: 0.2 });
      } finally {
        outer.end();
      }
    });
    const chat = spanNamed("chat gpt-4o");
    assert.equal(chat.parentSpanContext?.spanId, spanNamed("outer").spanContext().spanId);
    assert.equal(chat.attributes["gen_ai.request.max_tokens"], 4);
    assert.equal(chat.attributes["gen_ai.request.temperature"], 0.2);
    assert.deepEqual(chat.attributes["gen_ai.response.finish_reasons"], ["length"]);
    assert.equal(chat.attributes["gen_ai.usage.output_tokens"], 4);
    assert.equal(chat.attributes["gen_ai.response.id"], response.id);
  });

  it("uses the tracer it is given instead of the global one", async () => {
    const own = new InMemorySpanExporter();
    const ownProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] });
    await tracedChat(new FakeLLM({ latencyMs: 0 }), { model: "m", messages: [{ role: "user", content: "Hi" }] }, { tracer: ownProvider.getTracer("mine") });
    assert.deepEqual(own.getFinishedSpans().map((s) => s.name), ["chat m"]);
    assert.equal(spanExporter.getFinishedSpans().length, 0);
    await ownProvider.shutdown();
  });
});

describe("error path", () => {
  it("marks both spans as failed, records the exception with type = code, rethrows, ends the spans", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    llm.failNext("rate_limit");
    const agent = new TracedAgent("my_agent", "gpt-4", { llm });
    await assert.rejects(agent.processMessage("user_123", "Hello!"), RateLimitError);

    // Both are in the exporter, so both were ended.
    assert.equal(spanExporter.getFinishedSpans().length, 2);
    for (const name of ["chat gpt-4", "invoke_agent my_agent"]) {
      const span = spanNamed(name);
      assert.equal(span.status.code, SpanStatusCode.ERROR, `🚨 "${name}" should have status ERROR`);
      assert.match(span.status.message ?? "", /Rate limit exceeded/);
      assert.equal(span.attributes["error.type"], "rate_limit_exceeded");
      const exception = span.events.find((e) => e.name === "exception");
      assert.ok(exception, `🚨 "${name}" has no exception event: call span.recordException(err)`);
      assert.equal(exception.attributes?.["exception.type"], "rate_limit_exceeded");
      assert.match(String(exception.attributes?.["exception.message"]), /retry after/);
      assert.ok(exception.attributes?.["exception.stacktrace"]);
    }
    const chat = spanNamed("chat gpt-4");
    assert.equal(chat.attributes["gen_ai.usage.input_tokens"], undefined, "no usage when there was no response");
    assert.deepEqual(
      spanNamed("invoke_agent my_agent").events.map((e) => e.name),
      ["message_received", "exception"],
    );
  });

  it("uses error.type 'timeout' for a timeout", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    llm.failNext("timeout");
    await assert.rejects(tracedChat(llm, { model: "gpt-4", messages: [{ role: "user", content: "Hi" }] }), LlmTimeoutError);
    const chat = spanNamed("chat gpt-4");
    assert.equal(chat.attributes["error.type"], "timeout");
    assert.equal(chat.events[0]?.attributes?.["exception.type"], "timeout");
  });
});

describe("GenAI client metrics", () => {
  it("records gen_ai.client.token.usage per token type with low-cardinality attributes", async () => {
    const agent = new TracedAgent("my_agent", "gpt-4", { llm: new FakeLLM({ latencyMs: 0 }) });
    const reply = await agent.processMessage("user_123", "Hello!");

    const usage = await collectHistogram("gen_ai.client.token.usage");
    assert.equal(usage.descriptor.unit, "{token}");
    const byType = new Map(usage.dataPoints.map((p) => [p.attributes["gen_ai.token.type"], p]));
    assert.deepEqual([...byType.keys()].sort(), ["input", "output"]);
    assert.equal(byType.get("input")?.value.sum, reply.usage.inputTokens);
    assert.equal(byType.get("output")?.value.sum, reply.usage.outputTokens);
    assert.deepEqual(byType.get("input")?.attributes, {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "fake",
      "gen_ai.request.model": "gpt-4",
      "gen_ai.response.model": "gpt-4",
      "gen_ai.token.type": "input",
    });
    // The bucket boundaries the GenAI conventions advise, not the SDK's millisecond-shaped default.
    assert.deepEqual(byType.get("input")?.value.buckets.boundaries.slice(0, 4), [1, 4, 16, 64]);
  });

  it("records gen_ai.client.operation.duration in seconds, with error.type on failures", async () => {
    const llm = new FakeLLM({ latencyMs: 20 });
    const request = { model: "gpt-4", messages: [{ role: "user" as const, content: "Hi" }] };
    await tracedChat(llm, request);
    llm.failNext("rate_limit");
    await assert.rejects(tracedChat(llm, request), RateLimitError);

    const duration = await collectHistogram("gen_ai.client.operation.duration");
    assert.equal(duration.descriptor.unit, "s");
    const ok = duration.dataPoints.find((p) => p.attributes["error.type"] === undefined);
    const failed = duration.dataPoints.find((p) => p.attributes["error.type"] === "rate_limit_exceeded");
    assert.ok(ok && failed, "one series for successes and one for rate-limited calls");
    assert.equal(ok.value.count, 1);
    const seconds = ok.value.sum ?? Number.NaN;
    assert.ok(seconds >= 0.015 && seconds < 5, `a 20 ms call should last about 0.02 s, got ${seconds}`);
    assert.equal(failed.value.count, 1);
    assert.equal(failed.attributes["gen_ai.request.model"], "gpt-4");
    assert.equal("user.id" in ok.attributes, false);

    // A failed call used no tokens: only the successful call is in the token histogram.
    const usage = await collectHistogram("gen_ai.client.token.usage");
    assert.deepEqual(usage.dataPoints.map((p) => p.value.count), [1, 1]);
  });
});
