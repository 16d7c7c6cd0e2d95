/**
 * Turns exporter names into span processors. The terminal view and the
 * console print as each span ends (SimpleSpanProcessor: you see the tree the
 * moment the trace finishes); network exporters batch, because one HTTP
 * request per span would cost more than the work being traced.
 */
import { createRequire } from "node:module";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { ExporterName, EnvConfig } from "./env.ts";
import { TraceTreeExporter } from "../trace-view/index.ts";

// Network exporters are loaded only when chosen: the Jaeger one pulls in a
// whole Thrift stack, and a lesson that prints to the terminal should not pay for it.
const require = createRequire(import.meta.url);

/** Batch limits sized for a workbook run: small enough to flush quickly at exit. */
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
      case "otlp":
        return [new BatchSpanProcessor(buildNetworkExporter(name, ctx.env), BATCH_LIMITS)];
    }
  });
}

function buildNetworkExporter(name: "zipkin" | "jaeger" | "otlp", env: EnvConfig): SpanExporter {
  switch (name) {
    case "zipkin": {
      const { ZipkinExporter } = require("@opentelemetry/exporter-zipkin") as typeof import("@opentelemetry/exporter-zipkin");
      return new ZipkinExporter({ url: env.zipkinEndpoint ?? "http://localhost:9411/api/v2/spans" });
    }
    case "jaeger": {
      const { JaegerExporter } = require("@opentelemetry/exporter-jaeger") as typeof import("@opentelemetry/exporter-jaeger");
      // With an endpoint: HTTP Thrift to the collector. Without: UDP to the
      // agent (OTEL_EXPORTER_JAEGER_AGENT_HOST/PORT), which cannot tell us
      // whether anything was listening.
      return new JaegerExporter(env.jaegerEndpoint ? { endpoint: env.jaegerEndpoint } : {});
    }
    case "otlp": {
      const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http");
      return new OTLPTraceExporter({ url: env.otlpTracesEndpoint ?? "http://localhost:4318/v1/traces" });
    }
  }
}
