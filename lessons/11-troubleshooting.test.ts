/**
 * Lesson 11 tests. `npm run verify -- 11` runs them against your
 * lessons/11-troubleshooting.ts; one describe per task in lessons/11-troubleshooting.md.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { diag, DiagLogLevel, trace, type DiagLogger } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { AlwaysOffSampler, BasicTracerProvider, SamplingDecision, SimpleSpanProcessor, type Sampler, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { lintSpans, SpanLintProcessor } from "../shared/lint/index.ts";
import { findSpan, loadLesson, statusName, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./11-troubleshooting.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

describe("Task 1: read a span's ids and what kind of span it is", () => {
  afterEach(() => trace.disable());

  it("recognises the no-op span of an unregistered provider", () => {
    trace.disable();
    const report = lesson.inspectSpan(trace.getTracer("t").startSpan("probe"));
    assert.equal(
      report.verdict,
      "no-provider",
      "🚨 with no provider registered the API returns a no-op span whose ids are all zeros: check isSpanContextValid(span.spanContext())",
    );
    assert.equal(report.traceId, "0".repeat(32), "🚨 report the span context's traceId as it is");
    assert.equal(report.recording, false, "🚨 a no-op span records nothing: recording should be false");
  });

  it("recognises a span the sampler dropped", () => {
    const span = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer("t").startSpan("probe");
    const report = lesson.inspectSpan(span);
    assert.equal(report.verdict, "sampled-out", "🚨 a valid span context that is not recording was sampled out: check span.isRecording()");
    assert.match(report.traceId, /^(?!0+$)[0-9a-f]{32}$/, "🚨 a sampled-out span still has a real trace id (it propagates downstream)");
    assert.equal(report.sampled, false);
    assert.equal(report.recording, false, "🚨 recording should come from span.isRecording()");
  });

  it("reads recording from span.isRecording(), not from the sampled flag", () => {
    // A sampler may answer RECORD: the span records (processors see it) but is not sampled (not exported).
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => "RecordOnly" };
    const span = new BasicTracerProvider({ sampler: recordOnly }).getTracer("t").startSpan("probe");
    const report = lesson.inspectSpan(span);
    assert.equal(report.sampled, false);
    assert.equal(
      report.recording,
      true,
      "🚨 this span is recording although its sampled flag is off (the sampler answered RECORD): take recording from span.isRecording()",
    );
    assert.equal(report.verdict, "recording", "🚨 a recording span reaches the processors: its verdict is \"recording\"");
    span.end();
  });

  it("reports a recording span with its ids", () => {
    const span = new BasicTracerProvider().getTracer("t").startSpan("probe");
    const report = lesson.inspectSpan(span);
    assert.deepEqual(report, {
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      sampled: true,
      recording: true,
      verdict: "recording",
    });
    span.end();
  });
});

describe("Task 2: the diag logger", () => {
  afterEach(() => diag.disable());

  function capturing() {
    const lines: Array<[string, string]> = [];
    const logger: DiagLogger = {
      error: (message) => lines.push(["error", message]),
      warn: (message) => lines.push(["warn", message]),
      info: (message) => lines.push(["info", message]),
      debug: (message) => lines.push(["debug", message]),
      verbose: (message) => lines.push(["verbose", message]),
    };
    return { logger, lines };
  }

  const refusing: SpanExporter = {
    export: (_spans, done) => done({ code: ExportResultCode.FAILED, error: new Error("backend answered 401") }),
    shutdown: async () => {},
  };

  it("makes a failing exporter visible", async () => {
    const { logger, lines } = capturing();
    lesson.enableDiagnostics(DiagLogLevel.WARN, logger);
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(refusing)] });
    provider.getTracer("t").startSpan("lost").end();
    await provider.shutdown();
    assert.ok(
      lines.some(([level, message]) => level === "error" && message.includes("backend answered 401")),
      "🚨 the exporter failed and the diag logger heard nothing. Register it: diag.setLogger(logger, { logLevel: level }).",
    );
  });

  it("honours the level: DEBUG shows debug lines, ERROR hides warnings", () => {
    const debug = capturing();
    lesson.enableDiagnostics(DiagLogLevel.DEBUG, debug.logger);
    diag.debug("probe-debug");
    assert.ok(debug.lines.some(([level, message]) => level === "debug" && message === "probe-debug"), "🚨 at DiagLogLevel.DEBUG, debug lines should reach the logger");

    const quiet = capturing();
    lesson.enableDiagnostics(DiagLogLevel.ERROR, quiet.logger);
    diag.warn("probe-warn");
    diag.error("probe-error");
    assert.deepEqual(
      quiet.lines.map(([level, message]) => `${level}:${message}`),
      ["error:probe-error"],
      "🚨 at DiagLogLevel.ERROR only errors should reach the logger: pass the level to diag.setLogger(logger, { logLevel: level })",
    );
  });
});

describe("Task 3: end the span on every path", () => {
  let lint: SpanLintProcessor;
  const telemetry = useTestTelemetry({ spanProcessors: () => [(lint = new SpanLintProcessor())] });

  it("ends the span when the work succeeds", async () => {
    assert.match(await lesson.summarize("a short document about tracing"), /^a short document/);
    findSpan(telemetry.spans(), "summarize");
  });

  it("ends the span when the work fails, and marks it as an error", async () => {
    await assert.rejects(lesson.summarize("  "), /empty document/, "🚨 summarize() should still throw the error");
    const unended = lint.findings().filter((f) => f.rule === "unended-span");
    assert.deepEqual(unended.map((f) => f.spanName), [], "🚨 the lint found a span that never ended: end it in a finally block, so the error path ends it too");
    const span = findSpan(telemetry.spans(), "summarize");
    assert.equal(statusName(span.status.code), "ERROR", "🚨 the failed span should have status ERROR: span.setStatus({ code: SpanStatusCode.ERROR, message })");
    assert.ok(span.events.some((event) => event.name === "exception"), "🚨 record the error with span.recordException(err)");
  });
});

describe("Task 4: names a backend can group, attributes it can afford", () => {
  const telemetry = useTestTelemetry();

  it("uses one span name for every user, with the id in user.id", async () => {
    await lesson.handleRequest("user_8c1f2b", "hello");
    await lesson.handleRequest("user_42", "hello again");
    const spans = telemetry.spans();
    const findings = lintSpans(spans).filter((f) => f.rule === "high-cardinality-name");
    assert.deepEqual(findings.map((f) => f.message), [], "🚨 the lint found ids in span names");
    assert.deepEqual(new Set(spans.map((span) => span.name)), new Set(["handle_request"]), '🚨 name the span "handle_request"');
    assert.deepEqual(spans.map((span) => span.attributes["user.id"]), ["user_8c1f2b", "user_42"], '🚨 record the user in the attribute "user.id"');
  });

  it("records the document's size, not the document", async () => {
    const document = "confidential ".repeat(1000);
    await lesson.handleRequest("user_1", document);
    const [span] = telemetry.spans();
    const findings = lintSpans(telemetry.spans()).filter((f) => f.rule === "oversized-attribute");
    assert.deepEqual(findings.map((f) => f.message), [], "🚨 the lint found an oversized attribute");
    assert.equal(span!.attributes["document.length"], document.length, '🚨 record the size in "document.length"');
    assert.ok(
      !Object.values(span!.attributes).some((value) => String(value).includes("confidential")),
      "🚨 the document's text is still on the span: it is user data, and large",
    );
  });
});
