/**
 * Lesson 09 tests. `npm run verify -- 09` runs them against your
 * lessons/09-backends.ts; one describe per task in lessons/09-backends.md.
 * The backends are stand-ins on 127.0.0.1 that decode what really goes on
 * the wire (shared/receivers): Zipkin v2 JSON, Jaeger Thrift, OTLP/JSON.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { loadLesson, RecordingExporter } from "../shared/testing/index.ts";
import { startJaegerCollector, startOtlpReceiver, startZipkinReceiver, type WireSpan } from "../shared/receivers/index.ts";
import type * as Lesson from "./09-backends.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  diag.disable();
});

/** One span, "lookup_order", exported through `exporter` by a provider of service "orders". */
async function exportOneSpan(exporter: SpanExporter): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "orders" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.getTracer("test").startSpan("lookup_order", { attributes: { "order.id": "A-17" } }).end();
  await provider.shutdown();
}

function assertArrived(spans: WireSpan[], backend: string): void {
  assert.equal(
    spans.length,
    1,
    `🚨 the ${backend} stand-in received ${spans.length} spans: createExporter("${backend}", endpoint) should return the ${backend} exporter sending to that endpoint.`,
  );
  assert.equal(spans[0]!.name, "lookup_order");
  assert.equal(spans[0]!.serviceName, "orders", "🚨 the backend should see service.name from the resource");
  assert.equal(spans[0]!.tags["order.id"], "A-17");
}

describe("Task 1: an exporter per backend", () => {
  it("zipkin: Zipkin v2 JSON that a real Zipkin accepts", async () => {
    const zipkin = await startZipkinReceiver();
    closers.push(() => zipkin.close());
    await exportOneSpan(lesson.createExporter("zipkin", zipkin.endpoint));
    assert.deepEqual(zipkin.rejections, [], "🚨 Zipkin answered 400");
    assertArrived(zipkin.spans(), "zipkin");
  });

  it("jaeger: Thrift over HTTP to the collector", async () => {
    const jaeger = await startJaegerCollector();
    closers.push(() => jaeger.close());
    await exportOneSpan(lesson.createExporter("jaeger", jaeger.endpoint));
    assert.deepEqual(jaeger.rejections, []);
    assertArrived(jaeger.spans(), "jaeger");
  });

  it("otlp: OTLP over HTTP, what Jaeger v2 and collectors speak", async () => {
    const otlp = await startOtlpReceiver();
    closers.push(() => otlp.close());
    await exportOneSpan(lesson.createExporter("otlp", otlp.endpoint));
    assertArrived(otlp.spans(), "otlp");
  });
});

/** A diag logger that keeps "level: message" lines, to read what the SDK said. */
function recordingLogger(): { logger: DiagLogger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, logger: { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug"), verbose: at("verbose") } };
}

/** An exporter that takes spans and never answers: a backend that hangs. */
class NeverAnswers implements SpanExporter {
  calls = 0;
  export(): void {
    this.calls += 1;
  }
  async shutdown(): Promise<void> {}
}

describe("Task 2: batch limits for a short-lived process", () => {
  it("exports within a second of a span ending, without waiting for shutdown", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const exporter = new RecordingExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [lesson.createBatchProcessor(exporter)] });
    provider.getTracer("test").startSpan("work").end();
    assert.equal(exporter.exportCalls, 0, "🚨 exported inside end(): that is not batching");
    t.mock.timers.tick(1000);
    assert.equal(
      exporter.spans.length,
      1,
      "🚨 a second after the span ended it was still queued: the SDK default waits 5 s between exports. Set scheduledDelayMillis: 1000 (or less).",
    );
  });

  it("gives up on a backend that never answers after at most 5 s", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const exporter = new NeverAnswers();
    const provider = new BasicTracerProvider({ spanProcessors: [lesson.createBatchProcessor(exporter)] });
    provider.getTracer("test").startSpan("work").end();
    let settled = false;
    void provider.forceFlush().then(
      () => (settled = true),
      () => (settled = true),
    );
    t.mock.timers.tick(5000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(exporter.calls, 1);
    assert.ok(settled, "🚨 after 5 s the flush was still waiting on the backend: the SDK default is 30 s. Set exportTimeoutMillis: 5000 (or less).");
  });

  it("keeps the queue bounded while the backend hangs: spans past the bound are dropped, not kept", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { logger, lines } = recordingLogger();
    diag.setLogger(logger, { logLevel: DiagLogLevel.DEBUG, suppressOverrideMessage: true });
    const provider = new BasicTracerProvider({ spanProcessors: [lesson.createBatchProcessor(new NeverAnswers())] });
    const tracer = provider.getTracer("test");
    for (let i = 0; i < 10_000; i++) tracer.startSpan("work").end();
    assert.ok(
      lines.some((line) => line.includes("maxQueueSize reached")),
      "🚨 10 000 spans piled up behind a backend that never answers and none was dropped: the queue is the memory bound. Keep maxQueueSize bounded (2048, the SDK default).",
    );
  });
});

/** An exporter that fails every export, like one whose backend is down. */
class FailingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    resultCallback({ code: ExportResultCode.FAILED, error: new Error("connect ECONNREFUSED 127.0.0.1:9411") });
  }
  async shutdown(): Promise<void> {}
}

describe("Task 3: count what was not delivered", () => {
  it("counts the spans of failed exports, with the reason", async () => {
    const counting = new lesson.CountingExporter(new FailingExporter());
    const results: ExportResult[] = [];
    counting.export([{} as ReadableSpan, {} as ReadableSpan], (result) => results.push(result));
    assert.equal(results.length, 1, "🚨 the result never reached the caller: the batch processor waits for resultCallback (call it exactly once)");
    assert.equal(
      results[0]!.code,
      ExportResultCode.FAILED,
      "🚨 the export failed but the caller was told SUCCESS: pass the inner exporter's result on unchanged, so the processor still sees the failure",
    );
    assert.equal(counting.lost, 2, "🚨 2 spans failed to export and lost is not 2: count spans.length when result.code is not SUCCESS");
    assert.ok([...counting.reasons].some((reason) => reason.includes("ECONNREFUSED")), "🚨 keep result.error.message in reasons");
  });

  it("counts spans refused by a real backend that answers 503, and none when it works", async () => {
    const zipkin = await startZipkinReceiver({ status: 503 });
    closers.push(() => zipkin.close());
    const { ZipkinExporter } = await import("@opentelemetry/exporter-zipkin");
    const failing = new lesson.CountingExporter(new ZipkinExporter({ url: zipkin.endpoint }));
    await exportOneSpan(failing);
    assert.equal(failing.lost, 1, `🚨 the backend answered 503 and lost is ${failing.lost}`);
    assert.match(failing.summary(), /1 spans not delivered: .*503/);

    zipkin.setFault({});
    const working = new lesson.CountingExporter(new ZipkinExporter({ url: zipkin.endpoint }));
    await exportOneSpan(working);
    assert.equal(working.lost, 0, "🚨 a successful export is not a loss");
    assert.equal(zipkin.received.length, 1, "🚨 the wrapper must still export through the exporter it wraps");
  });
});

describe("Task 4: the diag logger", () => {
  it("at debug, shows what the exporter does and what the backend answered", async () => {
    const zipkin = await startZipkinReceiver({ status: 503 });
    closers.push(() => zipkin.close());
    const { logger, lines } = recordingLogger();
    lesson.enableDiagnostics("debug", logger);
    const { ZipkinExporter } = await import("@opentelemetry/exporter-zipkin");
    await exportOneSpan(new ZipkinExporter({ url: zipkin.endpoint }));
    assert.ok(
      lines.some((line) => /debug: Zipkin response status code: 503/.test(line)),
      `🚨 the exporter's debug messages did not reach your logger: register it with diag.setLogger(logger, DiagLogLevel.DEBUG). Got: ${lines.slice(0, 3).join(" | ") || "nothing"}`,
    );
  });

  it("at warn, keeps warnings and drops debug chatter", () => {
    const { logger, lines } = recordingLogger();
    lesson.enableDiagnostics("warn", logger);
    diag.debug("chatter");
    diag.warn("Dropped 3 spans because maxQueueSize reached");
    assert.deepEqual(lines, ["warn: Dropped 3 spans because maxQueueSize reached"], "🚨 map \"warn\" to DiagLogLevel.WARN: warnings shown, debug hidden");
  });

  it("maps every level to its DiagLogLevel: that level and louder shown, chattier hidden", () => {
    const expected = {
      error: ["error"],
      warn: ["warn", "error"],
      info: ["info", "warn", "error"],
      debug: ["debug", "info", "warn", "error"],
    } as const;
    for (const [level, shown] of Object.entries(expected) as Array<[keyof typeof expected, readonly string[]]>) {
      const { logger, lines } = recordingLogger();
      lesson.enableDiagnostics(level, logger);
      diag.verbose("probe");
      diag.debug("probe");
      diag.info("probe");
      diag.warn("probe");
      diag.error("probe");
      // Only the probes: registering a logger at debug also logs that registration.
      const levelsSeen = lines.filter((line) => line.endsWith(": probe")).map((line) => line.split(":")[0]);
      assert.deepEqual(
        levelsSeen,
        shown,
        `🚨 enableDiagnostics("${level}") let through ${JSON.stringify(levelsSeen)}: map "${level}" to DiagLogLevel.${level.toUpperCase()}`,
      );
    }
  });
});
