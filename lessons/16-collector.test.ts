/**
 * Lesson 16 tests. `npm run verify -- 16` runs them against your
 * lessons/16-collector.ts; one describe per task in lessons/16-collector.md.
 *
 * What leaves the process is checked at the wire: the workbook's OTLP
 * receiver (shared/receivers) listens on 127.0.0.1, decodes the protobuf your
 * exporters send with the real OTLP .proto files, and the tests read what
 * arrived. The SDK's own metrics are read back with a MetricReader.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { MeterProvider, MetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { startOtlpReceiver, type OtlpReceiver } from "../shared/receivers/index.ts";
import { loadLesson, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./16-collector.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

const receivers: OtlpReceiver[] = [];
after(async () => {
  for (const receiver of receivers) await receiver.close();
});
async function receiver(): Promise<OtlpReceiver> {
  const otlp = await startOtlpReceiver();
  receivers.push(otlp);
  return otlp;
}

/** A reader the test pulls from: the SDK's aggregation, no export. */
class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
  async metrics(): Promise<MetricData[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }
}
const total = (data: MetricData[], name: string) =>
  data.filter((metric) => metric.descriptor.name === name).flatMap((metric) => metric.dataPoints as { value: unknown }[]).reduce((sum, point) => sum + Number(point.value), 0);

describe("Task 1: metrics out, on an interval", () => {
  it("pushes during the run, every intervalMs, not only at shutdown", async () => {
    const otlp = await receiver();
    const provider = new MeterProvider({ readers: [lesson.createMetricReader(`${otlp.origin}/v1/metrics`, "cumulative", 200)] });
    try {
      provider.getMeter("t").createCounter("app.requests").add(1);
      // Wait for three pushes rather than counting them in a fixed window: a
      // busy machine may delay a timer, but an interval of 60 s (the SDK's
      // default) or 200 s (milliseconds read as seconds) gives none in 15 s.
      const exportsSoFar = () => otlp.deliveries.filter((d) => d.signal === "metrics").length;
      const deadline = Date.now() + 15_000;
      while (exportsSoFar() < 3 && Date.now() < deadline) await sleep(100);
      const exports = exportsSoFar();
      assert.ok(
        exports >= 3,
        `🚨 ${exports} metric export(s) in 15 s with intervalMs=200: the reader does not push on that interval (the SDK's default is 60 s), so a run that crashes loses everything. Look at PeriodicExportingMetricReader's exportIntervalMillis.`,
      );
      assert.ok(
        otlp.deliveries.every((d) => d.signal !== "metrics" || d.encoding === "protobuf"),
        "🚨 metrics arrived as JSON: use the OTLP/HTTP protobuf exporter (@opentelemetry/exporter-metrics-otlp-proto), the spec's default",
      );
    } finally {
      await provider.shutdown();
    }
  });

  for (const [temporality, expected] of [
    ["delta", "DELTA"],
    ["cumulative", "CUMULATIVE"],
  ] as const) {
    it(`sends ${temporality} sums when the backend asks for ${temporality}`, async () => {
      const otlp = await receiver();
      const provider = new MeterProvider({ readers: [lesson.createMetricReader(`${otlp.origin}/v1/metrics`, temporality, 5000)] });
      provider.getMeter("t").createCounter("app.requests").add(2);
      await provider.shutdown();
      const points = otlp.dataPoints().filter((point) => point.metric === "app.requests");
      assert.ok(points.length > 0, "🚨 no app.requests data point arrived at the receiver: does the reader export to `url` over OTLP?");
      assert.equal(
        points[0]?.temporality,
        expected,
        `🚨 asked for ${temporality}, the counter arrived ${points[0]?.temporality}: the exporter picks the temporality (OTLPMetricExporter's temporalityPreference)`,
      );
    });
  }
});

describe("Task 2: logs out, next to the traces", () => {
  useTestTelemetry();

  it("a record emitted inside a span arrives over OTLP with that span's trace and span ids", async () => {
    const otlp = await receiver();
    const provider = lesson.createLoggerProvider(resourceFromAttributes({ "service.name": "log-test" }), `${otlp.origin}/v1/logs`);
    const { trace } = await import("@opentelemetry/api");
    let ids = { traceId: "", spanId: "" };
    trace.getTracer("t").startActiveSpan("work", (span) => {
      ids = span.spanContext();
      provider.getLogger("t").emit({ body: "inside the span", severityNumber: SeverityNumber.INFO, severityText: "INFO" });
      span.end();
    });
    await provider.shutdown();
    const records = otlp.logRecords();
    assert.equal(
      records.length,
      1,
      `🚨 ${records.length} log records arrived: the LoggerProvider needs a processor with an OTLP log exporter (LoggerProvider's \`processors\`, BatchLogRecordProcessor, OTLPLogExporter)`,
    );
    const [record] = records;
    assert.equal(record!.body, "inside the span");
    assert.equal(record!.serviceName, "log-test", "🚨 the record arrived without the service's resource: pass `resource` to the LoggerProvider");
    assert.equal(record!.traceId, ids.traceId, "🚨 the record's trace_id is not the active span's");
    assert.equal(record!.spanId, ids.spanId, "🚨 the record's span_id is not the active span's");
    assert.equal(otlp.deliveries.find((d) => d.signal === "logs")?.encoding, "protobuf", "🚨 logs arrived as JSON: use @opentelemetry/exporter-logs-otlp-proto");
  });
});

describe("Task 3: which host, which process, which instance", () => {
  it("has host and process attributes from the detectors, and a service.instance.id", async () => {
    const resource = lesson.buildResource("resource-test");
    await resource.waitForAsyncAttributes?.();
    const attributes = resource.attributes;
    assert.equal(attributes["service.name"], "resource-test");
    assert.ok(attributes["telemetry.sdk.language"], "🚨 keep the SDK's default resource (telemetry.sdk.*)");
    assert.ok(attributes["host.name"], "🚨 no host.name: detect the host (hostDetector in detectResources)");
    assert.equal(attributes["process.pid"], process.pid, "🚨 no process.pid: detect the process (processDetector)");
    assert.match(
      String(attributes["service.instance.id"] ?? ""),
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      "🚨 no service.instance.id: two replicas of one service would write into the same cumulative series. Look at serviceInstanceIdDetector.",
    );
  });

  it("keeps one service.instance.id for the whole process", async () => {
    const first = lesson.buildResource("a");
    const second = lesson.buildResource("a");
    await Promise.all([first.waitForAsyncAttributes?.(), second.waitForAsyncAttributes?.()]);
    assert.ok(first.attributes["service.instance.id"], "🚨 no service.instance.id");
    assert.equal(
      first.attributes["service.instance.id"],
      second.attributes["service.instance.id"],
      "🚨 service.instance.id changed within one process: a backend would see a new instance, and a new series, every time",
    );
  });
});

describe("Task 4: the SDK's own metrics", () => {
  async function threeSpans() {
    const reader = new PullReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const exporter = new InMemorySpanExporter();
    const provider = lesson.createTracerProvider(resourceFromAttributes({ "service.name": "self-obs" }), exporter, meterProvider);
    const tracer = provider.getTracer("t");
    for (const name of ["a", "b", "c"]) tracer.startSpan(name).end();
    const open = tracer.startSpan("still open");
    await provider.forceFlush();
    const data = await reader.metrics();
    // Read before shutdown: shutting the in-memory exporter down empties it.
    const exported = exporter.getFinishedSpans().length;
    open.end();
    await provider.shutdown();
    return { data, exported };
  }

  it("the tracer counts spans started and live (otel.sdk.span.*)", async () => {
    const { data, exported } = await threeSpans();
    assert.ok(exported >= 3, "🚨 the spans must still reach the exporter, through a batch processor");
    assert.equal(
      total(data, "otel.sdk.span.started"),
      4,
      "🚨 otel.sdk.span.started should count the 4 spans started: the tracer provider records it only when given a MeterProvider (BasicTracerProvider's `meterProvider` option)",
    );
    assert.equal(total(data, "otel.sdk.span.live"), 1, "🚨 otel.sdk.span.live should be 1: one span is still open");
  });

  it("the batch processor counts what it processed (otel.sdk.processor.span.*)", async () => {
    const { data } = await threeSpans();
    assert.equal(
      total(data, "otel.sdk.processor.span.processed"),
      3,
      "🚨 otel.sdk.processor.span.processed should count the 3 ended spans: the batch processor records it only when given a meter provider (its `selfObsMeterProvider` option)",
    );
    assert.equal(total(data, "otel.sdk.processor.span.queue.capacity"), 2048, "🚨 the processor reports its queue capacity (2048 by default)");
  });
});
