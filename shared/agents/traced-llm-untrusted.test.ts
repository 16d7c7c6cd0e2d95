/**
 * A model name from a request body (lesson 03's server passes one on) is
 * untrusted: it must not mint a span name and a metric stream per request,
 * nor carry escape sequences into a span.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { FakeLLM, tracedChat } from "./index.ts";

class TestMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

describe("tracedChat with model names from outside", () => {
  it("bounds span names and metric streams however many model names clients send", async () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const reader = new TestMetricReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const options = { tracer: tracerProvider.getTracer("t"), meter: meterProvider.getMeter("t") };
    const llm = new FakeLLM({ latencyMs: 0 });
    for (let i = 0; i < 300; i++) {
      await tracedChat(llm, { model: `random-model-${i}`, messages: [{ role: "user", content: "hi" }] }, options);
    }
    await tracedChat(llm, { model: "evil\x1b]0;pwned\x07", messages: [{ role: "user", content: "hi" }] }, options);

    const names = new Set(spans.getFinishedSpans().map((span) => span.name));
    assert.ok(names.size <= 51, `🚨 ${names.size} distinct span names from 301 requests: a model name from a request body must not be a span name as it is`);
    assert.ok(names.has("chat _OTHER"), "🚨 names past the vocabulary should read _OTHER");
    const { resourceMetrics } = await reader.collect();
    const duration = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === "gen_ai.client.operation.duration");
    assert.ok(duration, "the duration histogram was recorded");
    assert.ok(duration.dataPoints.length <= 51, `🚨 ${duration.dataPoints.length} metric streams: one per model name sent`);

    const evil = spans.getFinishedSpans().at(-1)!;
    assert.equal(evil.name, "chat _OTHER");
    assert.doesNotMatch(JSON.stringify(evil.attributes), /\\u001b|\x1b/, "🚨 an escape sequence reached a span attribute");
    assert.equal(evil.attributes["gen_ai.request.model"], "evil\\x1b]0;pwned\\x07");
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
});
