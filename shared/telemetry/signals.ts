/**
 * Metrics and logs out of the process, next to the spans (exporters.ts):
 *   - OTEL_METRICS_EXPORTER=otlp|console|none → a PeriodicExportingMetricReader
 *     every OTEL_METRIC_EXPORT_INTERVAL ms (spec default 60000) around the
 *     OTLP metric exporter of the chosen protocol, temporality from
 *     OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (default cumulative);
 *   - OTEL_LOGS_EXPORTER=otlp|console|none → a BatchLogRecordProcessor around
 *     the OTLP log exporter, or a simple one around the console exporter.
 * The exporters are the OpenTelemetry packages of the pinned line
 * (exporter-metrics-otlp-{http,proto} 0.223.0, the newest that exists for the
 * 2.12 line; exporter-logs-otlp-{http,proto} 0.223.1), not our own.
 * Every OTLP one is wrapped for delivery reporting, as the span exporters are.
 */
import { createRequire } from "node:module";
import type { MeterProvider as MeterProviderApi } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import {
  BatchLogRecordProcessor,
  ConsoleLogRecordExporter,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type InstrumentType,
  type MetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import type { EnvConfig, SignalExporterName } from "./env.ts";
import { DeliveryReports, ReportingExporter, type DeliveryReport } from "./delivery.ts";
import { BATCH_LIMITS } from "./exporters.ts";

const require = createRequire(import.meta.url);

export interface SignalContext {
  env: EnvConfig;
  deliveries?: DeliveryReports;
  /** Where the log processor and exporter record their otel.sdk.* metrics. */
  selfObsMeterProvider?: MeterProviderApi;
}

/** The spec's default interval is 60 s; a run shorter than that still exports once, at shutdown. */
export const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 60_000;
const METRIC_EXPORT_TIMEOUT_MS = 1750;

export function buildMetricReaders(names: readonly SignalExporterName[], ctx: SignalContext): MetricReader[] {
  const exportIntervalMillis = ctx.env.metricExportIntervalMs ?? DEFAULT_METRIC_EXPORT_INTERVAL_MS;
  // The reader's timeout may not exceed its interval (the SDK throws otherwise).
  // 35% of the kit's 5 s bound: the final export runs after spans and logs
  // have had 60% of shutdownTimeoutMs (setup.ts), and must end inside it.
  const exportTimeoutMillis = Math.min(METRIC_EXPORT_TIMEOUT_MS, exportIntervalMillis);
  return names.flatMap((name): MetricReader[] => {
    switch (name) {
      case "none":
        return [];
      case "console":
        return [new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis, exportTimeoutMillis })];
      case "otlp": {
        const url = ctx.env.otlpMetricsEndpoint ?? "http://localhost:4318/v1/metrics";
        const { AggregationTemporalityPreference } = require("@opentelemetry/exporter-metrics-otlp-http") as typeof import("@opentelemetry/exporter-metrics-otlp-http");
        const { OTLPMetricExporter } = (
          ctx.env.otlpProtocol.metrics === "http/json"
            ? require("@opentelemetry/exporter-metrics-otlp-http")
            : require("@opentelemetry/exporter-metrics-otlp-proto")
        ) as typeof import("@opentelemetry/exporter-metrics-otlp-http");
        const preference = { cumulative: AggregationTemporalityPreference.CUMULATIVE, delta: AggregationTemporalityPreference.DELTA, lowmemory: AggregationTemporalityPreference.LOWMEMORY };
        const inner: PushMetricExporter = new OTLPMetricExporter({
          url,
          headers: ctx.env.otlpHeaders.metrics,
          timeoutMillis: exportTimeoutMillis,
          temporalityPreference: ctx.env.metricsTemporality ? preference[ctx.env.metricsTemporality] : undefined,
        }) as unknown as PushMetricExporter; // 0.223.0 is typed against sdk-metrics 2.12.0's copy: same interface
        const exporter = ctx.deliveries
          ? new ReportingMetricExporter(inner, ctx.deliveries.add({ backend: "otlp metrics", endpoint: url, hint: OTLP_HINT, unit: "metric data points" }))
          : inner;
        return [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis, exportTimeoutMillis })];
      }
    }
  });
}

export function buildLogProcessors(names: readonly SignalExporterName[], ctx: SignalContext): LogRecordProcessor[] {
  const selfObsMeterProvider = ctx.selfObsMeterProvider;
  return names.flatMap((name): LogRecordProcessor[] => {
    switch (name) {
      case "none":
        return [];
      case "console":
        return [new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter(), selfObsMeterProvider })];
      case "otlp": {
        const url = ctx.env.otlpLogsEndpoint ?? "http://localhost:4318/v1/logs";
        const { OTLPLogExporter } = (
          ctx.env.otlpProtocol.logs === "http/json" ? require("@opentelemetry/exporter-logs-otlp-http") : require("@opentelemetry/exporter-logs-otlp-proto")
        ) as typeof import("@opentelemetry/exporter-logs-otlp-http");
        // selfObsMeterProvider: its otel.sdk.exporter.log.* metrics.
        const inner = new OTLPLogExporter({ url, headers: ctx.env.otlpHeaders.logs, timeoutMillis: BATCH_LIMITS.exportTimeoutMillis, selfObsMeterProvider });
        const limits = { ...BATCH_LIMITS, selfObsMeterProvider };
        if (!ctx.deliveries) return [new BatchLogRecordProcessor({ exporter: inner, ...limits })];
        const report = ctx.deliveries.add({ backend: "otlp logs", endpoint: url, hint: OTLP_HINT, unit: "log records" });
        return [new CountingLogProcessor(new BatchLogRecordProcessor({ exporter: new ReportingExporter(inner, report) as LogRecordExporter, ...limits }), report)];
      }
    }
  });
}

const OTLP_HINT = "is an OTLP receiver (the Collector of docker-compose.yml, or Jaeger v2) on port 4318? docker compose up -d";

/** Counts every record given to the batch processor, so records it drops (full queue, shutdown) are reported. */
class CountingLogProcessor implements LogRecordProcessor {
  constructor(
    private readonly inner: LogRecordProcessor,
    private readonly report: DeliveryReport,
  ) {}
  onEmit(...args: Parameters<LogRecordProcessor["onEmit"]>): void {
    this.report.ended += 1;
    this.inner.onEmit(...args);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Data points in one export: what a backend stores as separate series points. */
function dataPoints(metrics: ResourceMetrics): number {
  return metrics.scopeMetrics.reduce((sum, scope) => sum + scope.metrics.reduce((n, metric) => n + metric.dataPoints.length, 0), 0);
}

/**
 * A metric exporter wrapper that reports deliveries. A pull of the reader is
 * not queued: every point collected is handed over at once, so "ended" and
 * "handed" move together. It must forward the temporality and aggregation
 * choices, or the reader would fall back to its defaults silently.
 */
class ReportingMetricExporter implements PushMetricExporter {
  private readonly reporting: ReportingExporter<ResourceMetrics>;
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly report: DeliveryReport,
  ) {
    this.reporting = new ReportingExporter<ResourceMetrics>(inner, report, dataPoints);
  }
  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.report.ended += dataPoints(metrics);
    this.reporting.export(metrics, resultCallback);
  }
  forceFlush(): Promise<void> {
    return this.reporting.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.reporting.shutdown();
  }
  selectAggregationTemporality(instrumentType: InstrumentType) {
    return this.inner.selectAggregationTemporality!(instrumentType);
  }
  selectAggregation(instrumentType: InstrumentType) {
    return this.inner.selectAggregation!(instrumentType);
  }
}
