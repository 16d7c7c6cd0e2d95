// Writes what a run really produced to files, so the docs site can draw the
// trace (and the metrics) of every solution from data, not from a drawing.
//
//   WORKBOOK_TRACE_FILE=/tmp/t.jsonl npx tsx solutions/03-propagation.ts
//     → every span that reaches a TraceTreeExporter is appended, one JSON object a line
//   WORKBOOK_METRICS_FILE=/tmp/m.jsonl npx tsx solutions/07-metrics.ts
//     → at shutdown, each setupTelemetry() appends its final metrics, one JSON object a line
//
// JSON lines and appendFileSync: several services in one process, or a child
// process that inherits the variable, all add to the same file without
// coordinating, and a crash mid-run still leaves every line written so far.

import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from "@opentelemetry/api";
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from "@opentelemetry/core";
import {
  AggregationTemporality,
  DataPointType,
  PeriodicExportingMetricReader,
  type MetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import { SimpleSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";

export const TRACE_FILE_ENV = "WORKBOOK_TRACE_FILE";
export const METRICS_FILE_ENV = "WORKBOOK_METRICS_FILE";

/** One finished span, flattened to plain JSON. Times are milliseconds since the epoch. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  /** The parent lives in another process (the context arrived through a propagator). */
  parentIsRemote?: boolean;
  name: string;
  kind: "INTERNAL" | "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER";
  service: string;
  /** The instrumentation scope (the name given to getTracer()). */
  scope: string;
  startMs: number;
  durationMs: number;
  status: { code: "UNSET" | "OK" | "ERROR"; message?: string };
  attributes: Attributes;
  events: { name: string; timeMs: number; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
}

const ms = (time: HrTime) => hrTimeToMilliseconds(time);

export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const parent = span.parentSpanContext;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(parent ? { parentSpanId: parent.spanId, ...(parent.isRemote ? { parentIsRemote: true } : {}) } : {}),
    name: span.name,
    kind: SpanKind[span.kind] as SpanRecord["kind"],
    service: String(span.resource.attributes[ATTR_SERVICE_NAME] ?? "unknown_service"),
    scope: span.instrumentationScope.name,
    startMs: ms(span.startTime),
    durationMs: ms(span.duration),
    status: {
      code: SpanStatusCode[span.status.code] as SpanRecord["status"]["code"],
      ...(span.status.message ? { message: span.status.message } : {}),
    },
    attributes: { ...span.attributes },
    events: span.events.map((event) => ({ name: event.name, timeMs: ms(event.time), attributes: { ...event.attributes } })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: { ...link.attributes },
    })),
  };
}

/** Appends spans to a JSON-lines file (created if missing). */
export function appendSpanRecords(file: string, spans: readonly ReadableSpan[]): void {
  if (spans.length === 0) return;
  appendFileSync(file, spans.map((span) => `${JSON.stringify(toSpanRecord(span))}\n`).join(""));
}

/**
 * Reads a file written by appendSpanRecords; a missing file means no spans.
 * A span can be written twice (by a TraceTreeExporter and by the dump
 * processor of setupTelemetry): each is kept once, in first-written order.
 */
export function readSpanRecords(file: string): SpanRecord[] {
  const seen = new Set<string>();
  return readJsonLines<SpanRecord>(file).filter((span) => {
    const key = `${span.traceId}/${span.spanId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Appends every span to a JSON-lines file; never fails the pipeline it is part of. */
export class SpanDumpExporter implements SpanExporter {
  constructor(private readonly file: string) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      appendSpanRecords(this.file, spans);
    } catch (error) {
      console.error(`trace-view: could not append spans to ${this.file}:`, error);
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * What setupTelemetry() adds when WORKBOOK_TRACE_FILE is set: a dump of every
 * span, whatever the exporters (a lesson that sends its spans to a backend,
 * or none, still gets its trace drawn on its docs page).
 */
export function spanDumpProcessors(env: Record<string, string | undefined> = process.env): SpanProcessor[] {
  const file = env[TRACE_FILE_ENV];
  return file ? [new SimpleSpanProcessor(new SpanDumpExporter(file))] : [];
}

// ---------------------------------------------------------------- metrics

/** One data point: a number for sums and gauges, buckets for histograms. */
export type MetricPointRecord =
  | { attributes: Attributes; value: number }
  | {
      attributes: Attributes;
      histogram: { boundaries: number[]; counts: number[]; count: number; sum?: number; min?: number; max?: number };
    };

export interface MetricRecord {
  service: string;
  scope: string;
  name: string;
  description: string;
  unit: string;
  type: "HISTOGRAM" | "EXPONENTIAL_HISTOGRAM" | "GAUGE" | "SUM";
  /** For a SUM: true from a counter, false from an up-down counter (their data points look alike otherwise). */
  monotonic?: boolean;
  points: MetricPointRecord[];
}

export function toMetricRecords(resourceMetrics: ResourceMetrics): MetricRecord[] {
  const service = String(resourceMetrics.resource.attributes[ATTR_SERVICE_NAME] ?? "unknown_service");
  return resourceMetrics.scopeMetrics.flatMap((scopeMetrics) =>
    scopeMetrics.metrics.map((metric): MetricRecord => {
      const points = metric.dataPoints.map((point): MetricPointRecord => {
        const value = point.value as unknown;
        if (typeof value === "number") return { attributes: { ...point.attributes }, value };
        // An explicit-bucket histogram; exponential histograms keep their count only.
        const histogram = value as { buckets?: { boundaries: number[]; counts: number[] }; count: number; sum?: number; min?: number; max?: number };
        return {
          attributes: { ...point.attributes },
          histogram: {
            boundaries: histogram.buckets?.boundaries ?? [],
            counts: histogram.buckets?.counts ?? [histogram.count],
            count: histogram.count,
            sum: histogram.sum,
            min: histogram.min,
            max: histogram.max,
          },
        };
      });
      return {
        service,
        scope: scopeMetrics.scope.name,
        name: metric.descriptor.name,
        description: metric.descriptor.description,
        unit: metric.descriptor.unit,
        type: DataPointType[metric.dataPointType] as MetricRecord["type"],
        ...(metric.dataPointType === DataPointType.SUM ? { monotonic: metric.isMonotonic } : {}),
        points,
      };
    }),
  );
}

/**
 * Keeps the last collection and writes it when the reader shuts down. With
 * cumulative temporality the last collection holds everything the run recorded.
 */
class MetricsFileExporter implements PushMetricExporter {
  #last: ResourceMetrics | undefined;
  constructor(private readonly file: string) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.#last = metrics;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  async shutdown(): Promise<void> {
    const records = this.#last ? toMetricRecords(this.#last) : [];
    try {
      if (records.length > 0) appendFileSync(this.file, records.map((record) => `${JSON.stringify(record)}\n`).join(""));
    } catch (error) {
      // A dump is a by-product: failing to write it must not fail the run.
      console.error(`trace-view: could not write metrics to ${this.file}:`, error);
    }
  }
}

/**
 * The reader setupTelemetry() adds when WORKBOOK_METRICS_FILE is set (none
 * otherwise). Its interval is long on purpose: the collection that counts is
 * the final one, which every PeriodicExportingMetricReader makes at shutdown.
 */
export function metricsFileReaders(env: Record<string, string | undefined> = process.env): MetricReader[] {
  const file = env[METRICS_FILE_ENV];
  if (!file) return [];
  return [new PeriodicExportingMetricReader({ exporter: new MetricsFileExporter(file), exportIntervalMillis: 3_600_000 })];
}

export function readMetricRecords(file: string): MetricRecord[] {
  return readJsonLines<MetricRecord>(file);
}

function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}
