import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { formatFindings, idLikeParts, lintSpans, SpanLintProcessor } from "./index.ts";

function setup(options: ConstructorParameters<typeof SpanLintProcessor>[0] = {}) {
  const lint = new SpanLintProcessor(options);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [lint, new SimpleSpanProcessor(exporter)] });
  return { lint, exporter, tracer: provider.getTracer("lint-test") };
}

const rules = (lint: SpanLintProcessor) => lint.findings().map((f) => f.rule);

describe("telemetry lint", () => {
  it("passes clean spans", () => {
    const { lint, tracer } = setup();
    const parent = tracer.startSpan("handle_request", { attributes: { "user.id": "user_123" } });
    tracer.startSpan("chat gpt-4o-2024-08-06", {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
    parent.end();
    assert.deepEqual(lint.findings(), []);
    assert.equal(formatFindings([]), "✓ telemetry lint: no findings");
  });

  it("finds a span that was never ended, and does not call its children orphans", () => {
    const { lint, tracer } = setup();
    const parent = tracer.startSpan("summarize");
    tracer.startSpan("chat", {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
    assert.deepEqual(rules(lint), ["unended-span"]);
    assert.match(lint.findings()[0]!.message, /"summarize".*never ended/);
  });

  it("finds an orphan whose local parent never arrived", () => {
    const { exporter, tracer } = setup();
    const parent = tracer.startSpan("lost-parent");
    tracer.startSpan("child", {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
    // Only the exported spans are linted, without the open list: the view of a backend.
    const findings = lintSpans(exporter.getFinishedSpans());
    assert.deepEqual(findings.map((f) => f.rule), ["orphan-span"]);
    assert.match(findings[0]!.message, /was the parent ended/);
  });

  it("finds an orphan whose remote parent never arrived", () => {
    const { lint, tracer } = setup();
    const incoming = new W3CTraceContextPropagator().extract(
      ROOT_CONTEXT,
      { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
      { get: (carrier, key) => carrier[key as keyof typeof carrier], keys: (carrier) => Object.keys(carrier) },
    );
    tracer.startSpan("handle_request", {}, incoming).end();
    assert.deepEqual(rules(lint), ["orphan-span"]);
    assert.match(lint.findings()[0]!.message, /remote parent/);
  });

  it("finds ids in span names: uuids, e-mails, hex ids and numbers", () => {
    assert.deepEqual(idLikeParts("handle user_123"), ["123"]);
    assert.deepEqual(idLikeParts("GET /orders/98765"), ["98765"]);
    assert.deepEqual(idLikeParts("load 7d444840-9dc0-11d1-b245-5ffdce74fad2"), ["7d444840-9dc0-11d1-b245-5ffdce74fad2"]);
    assert.deepEqual(idLikeParts("notify ada@example.com"), ["ada@example.com"]);
    assert.deepEqual(idLikeParts("trace 4bf92f3577b34da6a3ce"), ["4bf92f3577b34da6a3ce"]);
    assert.deepEqual(idLikeParts("handle user_8c1f2b"), ["8c1f2b"]);
    assert.deepEqual(idLikeParts("resume session-42"), ["42"]);
    assert.deepEqual(idLikeParts("chat gpt-4o-2024-08-06"), []);
    assert.deepEqual(idLikeParts("user_profile lookup"), []);
    assert.deepEqual(idLikeParts("invoke_agent planner"), []);
    const { lint, tracer } = setup();
    tracer.startSpan("handle user_42").end();
    tracer.startSpan("handle_request").end();
    assert.deepEqual(rules(lint), ["high-cardinality-name"]);
  });

  it("finds oversized attribute values, strings and arrays", () => {
    const { lint, tracer } = setup({ maxAttributeLength: 100 });
    tracer.startSpan("read", { attributes: { "document.text": "x".repeat(101), "tags": ["a".repeat(60), "b".repeat(60)], ok: "y".repeat(100) } }).end();
    const findings = lint.findings();
    assert.deepEqual(findings.map((f) => f.rule), ["oversized-attribute", "oversized-attribute"]);
    assert.match(findings[0]!.message, /"document\.text".*101 characters/);
  });

  it("stays bounded however many spans pass through it", () => {
    const { lint, exporter, tracer } = setup({ maxSpans: 100 });
    for (let i = 0; i < 5_000; i++) {
      tracer.startSpan("work").end();
      // Like a batch exporter after each export: the test exporter keeps nothing either.
      if (i % 500 === 0) exporter.reset();
    }
    assert.ok(lint.retainedCount() <= 100, `retained ${lint.retainedCount()} spans`);
    for (let i = 0; i < 500; i++) tracer.startSpan("leaked");
    assert.ok(lint.retainedCount() <= 200, `retained ${lint.retainedCount()} spans with open ones`);
  });
});
