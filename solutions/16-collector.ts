/**
 * Lesson 16 · Every signal leaves the process, and the OpenTelemetry Collector.
 *
 * Until now only spans left a workbook process: metrics were read back in
 * process (lesson 07) and log records stayed in memory (lesson 10). A service
 * in production exports all three over OTLP, usually to a Collector that
 * batches, redacts and samples whole traces before a backend stores anything.
 * Here you build each piece with the SDK of the pinned line (2.12.1, the
 * experimental packages 0.223.x):
 *   1. a metric reader that pushes over OTLP on an interval, with the
 *      temporality the backend wants;
 *   2. a logger provider whose records go out over OTLP with their span's ids;
 *   3. a resource that says which host, process and *instance* is talking;
 *   4. the SDK's own otel.sdk.* metrics, turned on.
 * The Collector itself is configuration: otel-collector.yaml beside
 * docker-compose.yml, read in lessons/16-collector.md.
 *
 * Run it:    npx tsx lessons/16-collector.ts
 *            (no Docker needed: it starts the workbook's own OTLP receiver)
 * With the Collector running (docker compose up -d):
 *            OTEL_TRACES_EXPORTER=otlp OTEL_METRICS_EXPORTER=otlp OTEL_LOGS_EXPORTER=otlp npx tsx lessons/16-collector.ts
 * Check it:  npm run verify -- 16
 * Read:      lessons/16-collector.md
 */
import { setTimeout as sleep } from "node:timers/promises";
import { trace, type MeterProvider as MeterProviderApi } from "@opentelemetry/api";
import { logs, SeverityNumber } from "@opentelemetry/api-logs";
import { AggregationTemporalityPreference } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import {
  defaultResource,
  detectResources,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
} from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace";
import { BasicTracerProvider, InMemorySpanExporter, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { FakeLLM, TracedAgent } from "../shared/agents/index.ts";
import { printable } from "../shared/privacy/printable.ts";
import { startOtlpReceiver, type OtlpReceiver } from "../shared/receivers/index.ts";
import { setupTelemetry } from "../shared/telemetry/index.ts";
import { runMain } from "../shared/workbook/run-main.ts";

export const SERVICE_NAME = "support-agent";
export type Temporality = "cumulative" | "delta";

// ---------------------------------------------------------------------------
// Task 1: metrics out, on an interval
// ---------------------------------------------------------------------------

/**
 * A reader that collects every `intervalMs` and pushes the result to an
 * OTLP/HTTP endpoint (protobuf, the spec's default encoding), in the
 * temporality the backend wants.
 */
export function createMetricReader(url: string, temporality: Temporality, intervalMs: number): MetricReader {
  // TODO(1): Push metrics to `url` over OTLP every `intervalMs`, with the
  //          temporality the backend asked for (see "cumulative or delta" in
  //          the lesson text). Look at OTLPMetricExporter's options and
  //          PeriodicExportingMetricReader's.
  // #region TODO(1) solution
  // Cumulative: every export carries the running total since start
  // (Prometheus, and most OTLP backends, want this). Delta: only what happened
  // since the previous export (backends that sum themselves want that).
  const exporter: PushMetricExporter = new OTLPMetricExporter({
    url,
    temporalityPreference: temporality === "delta" ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE,
  });
  // The SDK's default interval is 60 s (OTEL_METRIC_EXPORT_INTERVAL). The
  // export timeout (default 30 s) may not exceed it: given both, the reader throws.
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs, exportTimeoutMillis: Math.min(intervalMs, 5000) });
  // #endregion
  // #region TODO(1) exercise
  // // The defaults: one export a minute (so a short run exports only at
  // // shutdown), and whatever temporality the exporter picks by itself.
  // return new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }) });
  // #endregion
}

// ---------------------------------------------------------------------------
// Task 2: logs out, next to the traces
// ---------------------------------------------------------------------------

/** A LoggerProvider on `resource` whose records are batched and sent to `url` over OTLP. */
export function createLoggerProvider(resource: Resource, url: string): LoggerProvider {
  // TODO(2): Give the provider a processor that batches records and exports
  //          them with the OTLP log exporter (lesson 10 used an in-memory one).
  // #region TODO(2) solution
  // Batched, like spans: one request per batch, not per record. The record
  // picks up the active span's trace and span ids when it is emitted
  // (lesson 10); the exporter sends them as OTLP's traceId/spanId fields, which
  // is what lets a backend jump from a log line to its trace.
  return new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url }), scheduledDelayMillis: 500 })],
  });
  // #endregion
  // #region TODO(2) exercise
  // // No processor: every record is created, then dropped.
  // return new LoggerProvider({ resource });
  // #endregion
}

// ---------------------------------------------------------------------------
// Task 3: which host, which process, which instance
// ---------------------------------------------------------------------------

/**
 * The resource for this process: the SDK defaults, what the detectors find
 * about the host and the process, a service.instance.id, and the service name.
 * The host detector reads host.id asynchronously: await
 * `waitForAsyncAttributes()` before reading `attributes`.
 */
export function buildResource(serviceName: string): Resource {
  // TODO(3): Detect the host and the process, and give this process a
  //          service.instance.id (look at detectResources() and the detectors
  //          @opentelemetry/resources exports).
  // #region TODO(3) solution
  // service.instance.id tells replicas of one service apart. Two replicas
  // that export the same cumulative counter under the same resource look like
  // ONE series whose total jumps back and forth between their values: rates
  // computed from it are garbage. The detector makes one random UUID per process.
  const detected = detectResources({ detectors: [hostDetector, processDetector, serviceInstanceIdDetector] });
  return defaultResource().merge(detected).merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }));
  // #endregion
  // #region TODO(3) exercise
  // return defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }));
  // #endregion
}

// ---------------------------------------------------------------------------
// Task 4: the SDK's own metrics
// ---------------------------------------------------------------------------

/**
 * A tracer provider that batches spans to `exporter` and records the SDK's
 * self-observability metrics into `meterProvider`: otel.sdk.span.started and
 * otel.sdk.span.live (the tracer), otel.sdk.processor.span.processed and the
 * queue size and capacity (the batch processor).
 */
export function createTracerProvider(resource: Resource, exporter: SpanExporter, meterProvider: MeterProviderApi): BasicTracerProvider {
  // TODO(4): Hand `meterProvider` to the tracer provider AND to the batch
  //          processor: each records its own otel.sdk.* metrics only when given one.
  // #region TODO(4) solution
  // Both options are marked experimental in sdk-trace 2.12.1 (types.d.ts):
  // `meterProvider` on the provider, `selfObsMeterProvider` on processors
  // (and on the OTLP exporters). Without them the SDK records into a no-op meter.
  return new BasicTracerProvider({
    resource,
    meterProvider,
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 200, selfObsMeterProvider: meterProvider })],
  });
  // #endregion
  // #region TODO(4) exercise
  // return new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 200 })] });
  // #endregion
}

// ---------------------------------------------------------------------------
// The run: your pieces against a stand-in Collector, then the kit
// ---------------------------------------------------------------------------

/** One traced support conversation: chat spans, gen_ai.* metrics, log records inside the spans. */
export async function supportConversation(questions: string[]): Promise<void> {
  const agent = new TracedAgent("support_agent", "gpt-4", { llm: new FakeLLM({ latencyMs: 5 }) });
  const logger = logs.getLogger("support-agent");
  for (const question of questions) {
    await trace.getTracer("support-agent").startActiveSpan("handle question", async (span) => {
      logger.emit({ body: "question received", severityNumber: SeverityNumber.INFO, severityText: "INFO", attributes: { "app.question.length": question.length } });
      const reply = await agent.processMessage("user_1", question);
      logger.emit({ body: "answer sent", severityNumber: SeverityNumber.INFO, severityText: "INFO", attributes: { "app.answer.tokens": reply.usage.outputTokens } });
      span.end();
    });
  }
}

async function yourPieces(otlp: OtlpReceiver): Promise<void> {
  console.log(`Your pieces, against the workbook's OTLP receiver at ${otlp.origin} (a stand-in for the Collector):\n`);
  const resource = buildResource(SERVICE_NAME);
  await resource.waitForAsyncAttributes?.();
  const instance = resource.attributes["service.instance.id"];
  // The host name comes from the machine: bounded and made printable before it reaches the terminal.
  const show = (key: string) => (resource.attributes[key] === undefined ? "⚠ missing" : printable(String(resource.attributes[key]), 80));
  console.log(`  resource: host.name=${show("host.name")}, process.pid=${show("process.pid")}, service.instance.id=${show("service.instance.id")}`);
  if (!instance) console.log("  ⚠ without service.instance.id, two replicas' cumulative series collide in the backend → TODO(3)");

  // Task 1: a short interval, and a wait shorter than the SDK's default one.
  const meterProvider = new MeterProvider({ resource, readers: [createMetricReader(`${otlp.origin}/v1/metrics`, "delta", 250)] });
  const requests = meterProvider.getMeter("support-agent").createCounter("app.requests", { unit: "{request}" });
  requests.add(3);
  await sleep(700);
  const early = otlp.dataPoints().filter((point) => point.metric === "app.requests");
  console.log(`  metrics: ${early.length} export(s) of app.requests before shutdown, temporality ${early[0]?.temporality ?? "-"}`);
  if (early.length === 0) console.log("  ⚠ nothing exported during the run: a crash now would lose it all → TODO(1)");

  // Task 2: a record inside a span carries the span's ids over the wire.
  const loggerProvider = createLoggerProvider(resource, `${otlp.origin}/v1/logs`);
  const spans = new InMemorySpanExporter();
  // Task 4: the SDK reports on itself into the same meter provider.
  const tracerProvider = createTracerProvider(resource, spans, meterProvider);
  tracerProvider.getTracer("support-agent").startActiveSpan("handle question", (span) => {
    loggerProvider.getLogger("support-agent").emit({ body: "question received", severityNumber: SeverityNumber.INFO });
    span.end();
  });
  await tracerProvider.shutdown();
  await loggerProvider.shutdown();
  await meterProvider.shutdown();
  const [record] = otlp.logRecords();
  console.log(`  logs: ${otlp.logRecords().length} record(s) arrived${record ? `, trace_id=${record.traceId.slice(0, 8)}… span_id=${record.spanId}` : ""}`);
  if (!record) console.log("  ⚠ the log record never left the process → TODO(2)");
  const sdkMetrics = [...new Set(otlp.dataPoints().map((point) => point.metric).filter((name) => name.startsWith("otel.sdk.")))];
  console.log(`  SDK metrics: ${sdkMetrics.join(", ") || "none"}`);
  if (sdkMetrics.length === 0) console.log("  ⚠ the SDK recorded nothing about itself: it was given no meter provider → TODO(4)");
}

async function main(): Promise<void> {
  // The kit does for every signal what the variables say:
  // OTEL_{TRACES,METRICS,LOGS}_EXPORTER=otlp, OTEL_EXPORTER_OTLP_ENDPOINT,
  // OTEL_EXPORTER_OTLP_PROTOCOL (http/protobuf by default, or http/json).
  // Set up first: it also registers the context manager your pieces rely on.
  const resource = buildResource(SERVICE_NAME);
  await resource.waitForAsyncAttributes?.();
  const telemetry = setupTelemetry({ serviceName: SERVICE_NAME, attributes: resource.attributes, sdkMetrics: true });

  const otlp = await startOtlpReceiver();
  try {
    await yourPieces(otlp);
  } finally {
    await otlp.close();
  }

  const exporting = [process.env.OTEL_METRICS_EXPORTER, process.env.OTEL_LOGS_EXPORTER].some(Boolean);
  console.log(`\nThe kit, as the environment says (${exporting ? "metrics and logs exported too" : "set OTEL_METRICS_EXPORTER=otlp OTEL_LOGS_EXPORTER=otlp to export metrics and logs too"}):`);
  await supportConversation(["How do I reset my password?", "Can I export my data?"]);
  await telemetry.shutdown();
}

runMain(import.meta.url, main);
