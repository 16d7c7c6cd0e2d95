/**
 * Turns exporter names into span processors. The terminal view and the
 * console print as each span ends (SimpleSpanProcessor: you see the tree the
 * moment the trace finishes); network exporters batch, because one HTTP
 * request per span would cost more than the work being traced.
 *
 * Every network exporter is wrapped for delivery reporting (delivery.ts):
 * what could not be delivered, and why, is said in one line per backend at
 * shutdown. The Zipkin one also gets whole-microsecond start times
 * (zipkin-timestamps.ts), which Zipkin insists on.
 */
import { createRequire } from "node:module";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { MeterProvider } from "@opentelemetry/api";
import type { ExporterName, EnvConfig } from "./env.ts";
import { TraceTreeExporter } from "../trace-view/index.ts";
import { DeliveryReports, ReportingBatchProcessor, type DeliveryTarget } from "./delivery.ts";
import { MicrosecondStartExporter } from "./zipkin-timestamps.ts";

// Network exporters are loaded only when chosen: the Jaeger one pulls in a
// whole Thrift stack, and a lesson that prints to the terminal should not pay for it.
const require = createRequire(import.meta.url);

/**
 * Batch limits sized for a workbook run: small enough to flush quickly at exit.
 * The SDK defaults are 5 s between exports and 30 s before giving up on one;
 * a lesson runs for a second, and a dead backend should not hold it for 30.
 * The queue bound is what keeps memory flat when the backend is down: past
 * maxQueueSize, new spans are dropped (and counted, see delivery.ts).
 */
export const BATCH_LIMITS = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 500,
  exportTimeoutMillis: 5000,
} as const;

export interface ExporterContext {
  env: EnvConfig;
  /** A terminal view shared by several services in one process (one tree per trace). */
  treeView?: TraceTreeExporter;
  /** Where network exporters count what they deliver; closed by setupTelemetry's shutdown. */
  deliveries?: DeliveryReports;
  /** Batch limits for network exporters; BATCH_LIMITS unless a test needs a tiny queue. */
  batchLimits?: typeof BATCH_LIMITS | Partial<Record<keyof typeof BATCH_LIMITS, number>>;
  /** Where the SDK's own otel.sdk.* metrics go (processors and exporters); unset: nowhere. */
  selfObsMeterProvider?: MeterProvider;
}

export function buildSpanProcessors(names: readonly ExporterName[], ctx: ExporterContext): SpanProcessor[] {
  return names.flatMap((name): SpanProcessor[] => {
    switch (name) {
      case "none":
        return [];
      case "tree":
        return [new SimpleSpanProcessor(ctx.treeView ?? new TraceTreeExporter())];
      case "console":
        return [new SimpleSpanProcessor(new ConsoleSpanExporter())];
      case "zipkin":
      case "jaeger":
      case "otlp": {
        const exporter = buildNetworkExporter(name, ctx.env, ctx.selfObsMeterProvider);
        // selfObsMeterProvider: the processor's otel.sdk.processor.span.* metrics (sdk-trace 2.12.1).
        const limits = { ...BATCH_LIMITS, ...ctx.batchLimits, selfObsMeterProvider: ctx.selfObsMeterProvider };
        if (!ctx.deliveries) return [new BatchSpanProcessor(exporter, limits)];
        return [new ReportingBatchProcessor(exporter, limits, ctx.deliveries.add(deliveryTarget(name, ctx.env)))];
      }
    }
  });
}

/** Where each backend's spans go, and what to try when none arrive. */
export function deliveryTarget(name: "zipkin" | "jaeger" | "otlp", env: EnvConfig): DeliveryTarget {
  switch (name) {
    case "zipkin":
      return { backend: name, endpoint: zipkinUrl(env), hint: "is Zipkin running? docker compose up zipkin" };
    case "jaeger":
      if (env.jaegerEndpoint) {
        return { backend: name, endpoint: env.jaegerEndpoint, hint: "is the Jaeger collector running? docker compose up jaeger" };
      }
      return { backend: name, endpoint: `udp://${jaegerAgent().host}:${jaegerAgent().port}`, hint: "is the Jaeger agent running?", unconfirmed: true };
    case "otlp":
      return { backend: name, endpoint: otlpUrl(env), hint: "is an OTLP receiver (the Collector of docker-compose.yml, or Jaeger v2) on port 4318? docker compose up -d" };
  }
}

const zipkinUrl = (env: EnvConfig) => env.zipkinEndpoint ?? "http://localhost:9411/api/v2/spans";
const otlpUrl = (env: EnvConfig) => env.otlpTracesEndpoint ?? "http://localhost:4318/v1/traces";
/** The Jaeger exporter reads these itself; we read them only to name the target in messages. */
const jaegerAgent = () => ({
  host: process.env.OTEL_EXPORTER_JAEGER_AGENT_HOST || "localhost",
  port: Number(process.env.OTEL_EXPORTER_JAEGER_AGENT_PORT) || 6832,
});

function buildNetworkExporter(name: "zipkin" | "jaeger" | "otlp", env: EnvConfig, selfObsMeterProvider?: MeterProvider): SpanExporter {
  switch (name) {
    case "zipkin": {
      const { ZipkinExporter } = require("@opentelemetry/exporter-zipkin") as typeof import("@opentelemetry/exporter-zipkin");
      return new MicrosecondStartExporter(new ZipkinExporter({ url: zipkinUrl(env) }));
    }
    case "jaeger": {
      const { JaegerExporter } = require("@opentelemetry/exporter-jaeger") as typeof import("@opentelemetry/exporter-jaeger");
      // With an endpoint: HTTP Thrift to the collector. Without: UDP to the
      // agent (OTEL_EXPORTER_JAEGER_AGENT_HOST/PORT), which cannot tell us
      // whether anything was listening.
      return new JaegerExporter(env.jaegerEndpoint ? { endpoint: env.jaegerEndpoint } : {});
    }
    case "otlp": {
      // OTEL_EXPORTER_OTLP_PROTOCOL picks the package: -otlp-proto sends
      // protobuf (the spec's default), -otlp-http sends JSON. Both take the
      // same options. Its own timeout (10 s by default, retries included) is
      // cut to the batch processor's, so a retrying export gives up when the
      // processor stops waiting. selfObsMeterProvider turns on its
      // otel.sdk.exporter.span.* metrics (otlp-exporter-base 0.223.1).
      const { OTLPTraceExporter } = (
        env.otlpProtocol.traces === "http/json" ? require("@opentelemetry/exporter-trace-otlp-http") : require("@opentelemetry/exporter-trace-otlp-proto")
      ) as typeof import("@opentelemetry/exporter-trace-otlp-http");
      return new OTLPTraceExporter({
        url: otlpUrl(env),
        headers: env.otlpHeaders.traces,
        timeoutMillis: BATCH_LIMITS.exportTimeoutMillis,
        selfObsMeterProvider,
      });
    }
  }
}
