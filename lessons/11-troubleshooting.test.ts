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
      `🚨 a span from the API with no provider registered got the verdict "${report.verdict}": such a span is a no-op whose ids are all zeros, an invalid span context (the API can tell you whether a span context is valid)`,
    );
    assert.equal(report.traceId, "0".repeat(32), `🚨 traceId is "${report.traceId}": report the span context's traceId as it is`);
    assert.equal(report.recording, false, "🚨 a no-op span records nothing: recording should be false");
  });

  it("recognises a span the sampler dropped", () => {
    const span = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer("t").startSpan("probe");
    const report = lesson.inspectSpan(span);
    assert.equal(report.verdict, "sampled-out", `🚨 a span from an AlwaysOffSampler got the verdict "${report.verdict}": a valid span context on a span that is not recording was sampled out (ask the span whether it is recording)`);
    assert.match(report.traceId, /^(?!0+$)[0-9a-f]{32}$/, "🚨 a sampled-out span still has a real trace id (it propagates downstream): report it as it is");
    assert.equal(report.sampled, false, "🚨 a sampled-out span's sampled flag is off: report it from traceFlags");
    assert.equal(report.recording, false, "🚨 a sampled-out span is not recording: take recording from the span itself");
  });

  it("reads recording from span.isRecording(), not from the sampled flag", () => {
    // A sampler may answer RECORD: the span records (processors see it) but is not sampled (not exported).
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => "RecordOnly" };
    const span = new BasicTracerProvider({ sampler: recordOnly }).getTracer("t").startSpan("probe");
    const report = lesson.inspectSpan(span);
    assert.equal(report.sampled, false, "🚨 this span's sampled flag is off (the sampler answered RECORD): report it from traceFlags");
    assert.equal(
      report.recording,
      true,
      "🚨 this span is recording although its sampled flag is off (the sampler answered RECORD): take recording from the span's isRecording(), not from the flag",
    );
    assert.equal(report.verdict, "recording", "🚨 a recording span reaches the processors: its verdict is \"recording\"");
    span.end();
  });

  it("reports a recording span with its ids", () => {
    const span = new BasicTracerProvider().getTracer("t").startSpan("probe");
    const report = lesson.inspectSpan(span);
    assert.deepEqual(
      report,
      {
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        sampled: true,
        recording: true,
        verdict: "recording",
      },
      "🚨 a recorded, sampled span should be reported with its own ids, sampled and recording true, and the verdict \"recording\"",
    );
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
      "🚨 the exporter failed and the logger heard nothing: it is not registered as the SDK's diag logger (diag, from @opentelemetry/api) at the level asked for.",
    );
  });

  it("honours the level: DEBUG shows debug lines, ERROR hides warnings", () => {
    const debug = capturing();
    lesson.enableDiagnostics(DiagLogLevel.DEBUG, debug.logger);
    diag.debug("probe-debug");
    assert.ok(debug.lines.some(([level, message]) => level === "debug" && message === "probe-debug"), "🚨 at DiagLogLevel.DEBUG, debug lines should reach the logger: register it at the level it is given");

    const quiet = capturing();
    lesson.enableDiagnostics(DiagLogLevel.ERROR, quiet.logger);
    diag.warn("probe-warn");
    diag.error("probe-error");
    assert.deepEqual(
      quiet.lines.map(([level, message]) => `${level}:${message}`),
      ["error:probe-error"],
      "🚨 at DiagLogLevel.ERROR only errors should reach the logger: register it at the level it is given, not a fixed one",
    );
  });
});

/** Runs `work` with a diag logger that keeps the SDK's complaints about ended spans. */
async function endedSpanComplaints(work: () => Promise<unknown>): Promise<string[]> {
  const complaints: string[] = [];
  const keep = (message: string) => {
    if (/only call end\(\) on a span once|operation on ended Span/i.test(message)) complaints.push(message);
  };
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  try {
    await work();
  } finally {
    diag.disable();
  }
  return complaints;
}

describe("Task 3: end the span on every path", () => {
  let lint: SpanLintProcessor;
  const telemetry = useTestTelemetry({ spanProcessors: () => [(lint = new SpanLintProcessor())] });

  it("ends the span when the work succeeds", async () => {
    assert.match(await lesson.summarize("a short document about tracing"), /^a short document/, "🚨 summarize() should return the summary");
    findSpan(telemetry.spans(), "summarize");
  });

  it("ends the span exactly once, on either path", async () => {
    const complaints = await endedSpanComplaints(async () => {
      await lesson.summarize("a short document about tracing");
      await lesson.summarize("  ").catch(() => {});
    });
    assert.deepEqual(
      complaints.map((message) => message.slice(0, 160)),
      [],
      "🚨 the SDK's diag log complained about a span used after it ended: summarize() ends its span twice, or changes it after end(). End it in one place that every path goes through, after everything else.",
    );
  });

  it("ends the span when the work fails, and marks it as an error", async () => {
    await assert.rejects(lesson.summarize("  "), /empty document/, "🚨 summarize() should still throw the error");
    const unended = lint.findings().filter((f) => f.rule === "unended-span");
    assert.deepEqual(unended.map((f) => f.spanName), [], "🚨 the lint found a span that never ended: the error path skips end()");
    const span = findSpan(telemetry.spans(), "summarize");
    assert.equal(statusName(span.status.code), "ERROR", `🚨 the failed span's status is ${statusName(span.status.code)}: a failure should set the status code ERROR, with the error's message`);
    assert.ok(span.events.some((event) => event.name === "exception"), "🚨 the failed span has no \"exception\" event: record the error itself on the span (lesson 04)");
  });
});

describe("Task 4: names a backend can group, attributes it can afford", () => {
  const telemetry = useTestTelemetry();

  it("uses one span name for every user, with the id in user.id", async () => {
    await lesson.handleRequest("user_8c1f2b", "hello");
    await lesson.handleRequest("user_42", "hello again");
    const spans = telemetry.spans();
    const findings = lintSpans(spans).filter((f) => f.rule === "high-cardinality-name");
    assert.deepEqual(findings.map((f) => f.message), [], "🚨 the lint found ids in span names: every user becomes its own operation in the backend");
    const names = [...new Set(spans.map((span) => span.name))];
    assert.deepEqual(names, ["handle_request"], `🚨 two users' requests produced the span names ${JSON.stringify(names)}: Task 4 asks for one name, "handle_request"`);
    assert.deepEqual(
      spans.map((span) => span.attributes["user.id"]),
      ["user_8c1f2b", "user_42"],
      '🚨 the user id is not in the attribute "user.id" (the semantic convention for it), where a backend can still filter on it',
    );
  });

  it("records the document's size, not the document", async () => {
    const document = "confidential ".repeat(1000);
    await lesson.handleRequest("user_1", document);
    const [span] = telemetry.spans();
    const findings = lintSpans(telemetry.spans()).filter((f) => f.rule === "oversized-attribute");
    assert.deepEqual(findings.map((f) => f.message), [], "🚨 the lint found an oversized attribute: a whole document on every span");
    assert.equal(span!.attributes["app.document.length"], document.length, '🚨 the document\'s size is not in the attribute "app.document.length" (a number of characters)');
    assert.ok(
      !Object.values(span!.attributes).some((value) => String(value).includes("confidential")),
      "🚨 the document's text is still on the span: it is user data, and large",
    );
  });
});
