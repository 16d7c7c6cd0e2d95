/**
 * Lesson 10 tests. `npm run verify -- 10` runs them against your
 * lessons/10-log-correlation.ts; one describe per task in lessons/10-log-correlation.md.
 */
import { after, afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { context, trace, TraceFlags, type Span } from "@opentelemetry/api";
import { logs, SeverityNumber } from "@opentelemetry/api-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type ReadableLogRecord,
} from "@opentelemetry/sdk-logs";
import { loadLesson, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./10-log-correlation.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

/**
 * One LoggerProvider for this whole file, registered before any test runs,
 * exporting synchronously to an in-memory exporter that is fresh per test.
 * Why one: a logger taken from the API stays bound to the first provider it
 * sees (the API's ProxyLogger keeps its first delegate), so a lesson that
 * keeps its logger in a module variable, which is correct in an app, would
 * otherwise keep writing to the first test's provider.
 */
let testExporter = new InMemoryLogRecordExporter();
const toCurrentTest: LogRecordExporter = {
  export: (records, resultCallback) => testExporter.export(records, resultCallback),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const fileLoggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: toCurrentTest })] });
logs.setGlobalLoggerProvider(fileLoggerProvider);
after(() => fileLoggerProvider.shutdown());

/** The file's LoggerProvider as the global one, with an empty exporter, for each test. */
function useTestLogs() {
  beforeEach(() => {
    testExporter = new InMemoryLogRecordExporter();
    logs.disable();
    logs.setGlobalLoggerProvider(fileLoggerProvider);
  });
  afterEach(() => logs.disable());
  return { records: () => testExporter.getFinishedLogRecords() };
}

/** Fails with a learner-facing message unless `record` points at `span`. */
function assertPointsAt(record: ReadableLogRecord, span: Span, where: string): void {
  const expected = span.spanContext();
  assert.ok(
    record.spanContext,
    `🚨 the record "${String(record.body)}" written ${where} carries no trace context. It must be emitted while the span is active (inside startActiveSpan / context.with), without passing ids by hand.`,
  );
  assert.equal(record.spanContext.traceId, expected.traceId, `🚨 the record "${String(record.body)}" written ${where} points at the wrong span, in another trace: it picked up a context other than the one active where it was written`);
  assert.equal(
    record.spanContext.spanId,
    expected.spanId,
    `🚨 the record "${String(record.body)}" written ${where} points at the wrong span: it picked up a context other than the one active where it was written`,
  );
}

describe("Task 1: a LoggerProvider, registered", () => {
  // The lesson registers its own provider here: nothing else may be registered.
  beforeEach(() => logs.disable());
  afterEach(() => logs.disable());

  it("sends records from logs.getLogger() to the exporter, with the resource", async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = lesson.createLoggerProvider(resourceFromAttributes({ "service.name": "task-1" }), exporter);
    logs.getLogger("any-library").emit({ severityNumber: SeverityNumber.INFO, body: "hello" });
    await provider.forceFlush();
    const records = exporter.getFinishedLogRecords();
    assert.equal(
      records.length,
      1,
      "🚨 a record emitted through logs.getLogger() never reached the exporter: the provider needs a log record processor that sends to `exporter`, and must be registered as the global LoggerProvider (the `logs` API), or code gets a no-op logger.",
    );
    assert.equal(records[0]!.resource.attributes["service.name"], "task-1", "🚨 the record's resource has no service.name \"task-1\": build the LoggerProvider on the resource it is given, so logs and traces share service.name");
    await provider.shutdown();
  });

  it("exports in the background (a batch processor), not inside emit()", async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = lesson.createLoggerProvider(resourceFromAttributes({}), exporter);
    logs.getLogger("any-library").emit({ body: "queued" });
    assert.equal(
      exporter.getFinishedLogRecords().length,
      0,
      "🚨 the record was exported inside emit(), so every log call waits on the exporter: that is what a simple processor does. This task asks for batching.",
    );
    await provider.shutdown();
  });
});

describe("Task 2: log records that find their span", () => {
  const telemetry = useTestTelemetry();
  const testLogs = useTestLogs();

  it("emits a structured record through the Logs API", () => {
    lesson.logEvent("WARN", "tool slow", { "app.tool.name": "search" });
    const [record] = testLogs.records();
    assert.ok(record, "🚨 logEvent() emitted no OpenTelemetry log record: a logger from the Logs API (`logs` in @opentelemetry/api-logs) emits records; console.log does not");
    assert.equal(record.body, "tool slow", `🚨 the record's body is ${JSON.stringify(record.body)}: it should be the message`);
    assert.equal(record.severityNumber, SeverityNumber.WARN, `🚨 a WARN record has severityNumber ${String(record.severityNumber)}, not SeverityNumber.WARN (backends filter on the number; SEVERITY maps the levels)`);
    assert.equal(record.severityText, "WARN", `🚨 a WARN record has severityText ${JSON.stringify(record.severityText)}: it should be the level's name`);
    assert.equal(record.attributes["app.tool.name"], "search", "🚨 the record lost the attributes logEvent() was given");
    assert.equal(record.instrumentationScope.name, lesson.LOGGER_NAME, `🚨 the record's instrumentation scope is "${record.instrumentationScope.name}": take the logger named LOGGER_NAME`);
    assert.equal(record.spanContext, undefined, "🚨 a record written outside every span should carry no trace context: pass no ids or context of your own");
  });

  it("carries the active span's ids, also across await, setTimeout and Promise.all", async () => {
    const tracer = telemetry.tracer();
    const expected: Array<[string, Span]> = [];
    await tracer.startActiveSpan("parent", async (parent) => {
      lesson.logEvent("INFO", "sync");
      expected.push(["sync", parent]);
      await sleep(1);
      lesson.logEvent("INFO", "after await");
      expected.push(["after await", parent]);
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          lesson.logEvent("INFO", "in setTimeout");
          resolve();
        }, 1),
      );
      expected.push(["in setTimeout", parent]);
      await Promise.all(
        [3, 1, 2].map((delay) =>
          tracer.startActiveSpan(`child-${delay}`, async (child) => {
            await sleep(delay);
            lesson.logEvent("INFO", `child ${delay}`);
            expected.push([`child ${delay}`, child]);
            child.end();
          }),
        ),
      );
      parent.end();
    });
    const records = testLogs.records();
    assert.equal(records.length, expected.length, `🚨 ${expected.length} logEvent() calls produced ${records.length} log records`);
    for (const [body, span] of expected) {
      const record = records.find((candidate) => candidate.body === body);
      assert.ok(record, `🚨 no log record with body "${body}" reached the exporter`);
      assertPointsAt(record, span, `as "${body}"`);
    }
  });

  it("carries trace_flags: sampled records say so", async () => {
    await telemetry.tracer().startActiveSpan("sampled", async (span) => {
      lesson.logEvent("INFO", "flags");
      span.end();
    });
    const [record] = testLogs.records();
    assert.ok(record?.spanContext, "🚨 a record written inside a span carries no trace context: emit it while the span is active, and let the SDK fill in the ids");
    assert.equal(record.spanContext.traceFlags & TraceFlags.SAMPLED, TraceFlags.SAMPLED, "🚨 the record should carry the span's sampled flag (trace_flags)");
  });
});

describe("Task 3: trace ids in an existing JSON logger", () => {
  const telemetry = useTestTelemetry();

  function capture() {
    const lines: Array<Record<string, unknown>> = [];
    const json = lesson.createJsonLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    return { json, lines };
  }

  it("adds trace_id, span_id and trace_flags of the active span", async () => {
    const { json, lines } = capture();
    let expected: Span | undefined;
    await telemetry.tracer().startActiveSpan("handle", async (span) => {
      expected = span;
      await sleep(1);
      json.info("inside");
      span.end();
    });
    const line = lines[0]!;
    const ctx = expected!.spanContext();
    assert.equal(
      line.trace_id,
      ctx.traceId,
      `🚨 the JSON line has no trace_id of the active span: ${JSON.stringify(line)}. traceFields() reads the span context active in ctx (the trace API has a getter for it).`,
    );
    assert.equal(line.span_id, ctx.spanId, `🚨 span_id is ${JSON.stringify(line.span_id)}: it should be the active span's spanId (16 hex digits)`);
    assert.equal(line.trace_flags, "01", `🚨 trace_flags is ${JSON.stringify(line.trace_flags)}: write the flags as two hex digits, "01" for a sampled span`);
    assert.equal(line.msg, "inside", "🚨 the logger's own fields must stay");
  });

  it("writes the ids of each span in parallel work", async () => {
    const { json, lines } = capture();
    const tracer = telemetry.tracer();
    const ids = new Map<string, string>();
    await Promise.all(
      ["a", "b", "c"].map((name, index) =>
        tracer.startActiveSpan(name, async (span) => {
          ids.set(name, span.spanContext().spanId);
          await sleep(3 - index);
          json.info(name);
          span.end();
        }),
      ),
    );
    for (const line of lines) assert.equal(line.span_id, ids.get(String(line.msg)), `🚨 the line "${String(line.msg)}" carries another span's id`);
  });

  it('writes "00" for an unsampled span and no ids at all outside a span', () => {
    const unsampled = trace.wrapSpanContext({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: TraceFlags.NONE });
    assert.deepEqual(
      lesson.traceFields(trace.setSpan(context.active(), unsampled)),
      { trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", span_id: "00f067aa0ba902b7", trace_flags: "00" },
      '🚨 an unsampled span still has ids: write them, with trace_flags "00"',
    );
    assert.deepEqual(lesson.traceFields(context.active()), {}, "🚨 outside every span write no ids (not zeros): return {}");
  });
});

describe("Task 4: queued work keeps its context", () => {
  const telemetry = useTestTelemetry();
  const testLogs = useTestLogs();

  it("runs each queued job inside the span that queued it", async () => {
    const queue = new lesson.WorkQueue();
    const tracer = telemetry.tracer();
    const logger = () => logs.getLogger("test");
    const spans: Span[] = [];
    for (const name of ["first", "second"]) {
      tracer.startActiveSpan(name, (span) => {
        spans.push(span);
        queue.push(async () => {
          await sleep(1);
          logger().emit({ body: `job of ${name}` });
        });
        span.end();
      });
    }
    // Drained from somewhere else entirely: another span, like a worker's.
    await tracer.startActiveSpan("drainer", async (drainer) => {
      await queue.drain();
      drainer.end();
    });
    const records = testLogs.records();
    assert.equal(records.length, 2, `🚨 the queue ran ${records.length} of its 2 jobs`);
    assertPointsAt(records[0]!, spans[0]!, "by the job queued in span \"first\" (a job stored now and run later needs the context of push() bound to it: context.bind)");
    assertPointsAt(records[1]!, spans[1]!, "by the job queued in span \"second\"");
  });
});
