/**
 * The span processors a NodeSDK gets in part two: the workbook's terminal
 * tree plus whatever OTEL_TRACES_EXPORTER names, built the way NodeSDK builds
 * them itself.
 *
 * Why not let NodeSDK read OTEL_TRACES_EXPORTER on its own? It does, but only
 * when the configuration has no `spanProcessors` (sdk-node 0.223.0,
 * build/src/sdk.js, start()), and it knows nothing of our `tree`. So this
 * mirrors its getSpanProcessorsFromEnv() (build/src/utils.js), adding `tree`,
 * which is also our default when the variable is unset (NodeSDK's default is
 * `otlp`). Each OTLP exporter still reads its own OTEL_EXPORTER_OTLP_*
 * variables (endpoint, headers, timeout), and BatchSpanProcessor reads
 * OTEL_BSP_* (sdk-trace-base 2.12.1, BatchSpanProcessor-shim.js).
 */
import { createRequire } from "node:module";
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { TraceTreeExporter } from "../trace-view/index.ts";
import { spanDumpProcessors } from "../trace-view/dump.ts";

const require = createRequire(import.meta.url);
const KNOWN = ["tree", "otlp", "console", "zipkin", "none"] as const;

export class TraceExporterConfigError extends Error {
  override name = "TraceExporterConfigError";
}

export function spanProcessorsFromEnv(env: Record<string, string | undefined> = process.env): SpanProcessor[] {
  const names = (env.OTEL_TRACES_EXPORTER ?? "tree").split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => !(KNOWN as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new TraceExporterConfigError(
      `🚨 OTEL_TRACES_EXPORTER has ${unknown.map((n) => JSON.stringify(n.slice(0, 40))).join(", ")}: use a comma list of ${KNOWN.join(", ")}`,
    );
  }
  const processors = names.flatMap((name): SpanProcessor[] => {
    switch (name) {
      case "tree":
        // dumpFile "": the dump below already writes every span once.
        return [new SimpleSpanProcessor(new TraceTreeExporter({ dumpFile: "" }))];
      case "console":
        return [new SimpleSpanProcessor(new ConsoleSpanExporter())];
      case "otlp":
        return [new BatchSpanProcessor(otlpExporter(env))];
      case "zipkin": {
        const { ZipkinExporter } = require("@opentelemetry/exporter-zipkin") as typeof import("@opentelemetry/exporter-zipkin");
        return [new BatchSpanProcessor(new ZipkinExporter())];
      }
      default:
        return [];
    }
  });
  // WORKBOOK_TRACE_FILE: every span as a JSON line (the docs site and lesson 13's main read it).
  return [...processors, ...spanDumpProcessors(env)];
}

/** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf (the spec's default). */
export function otlpExporter(env: Record<string, string | undefined>): SpanExporter {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf").trim();
  switch (protocol) {
    case "http/protobuf": {
      const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-proto") as typeof import("@opentelemetry/exporter-trace-otlp-proto");
      return new OTLPTraceExporter();
    }
    case "http/json": {
      const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http");
      return new OTLPTraceExporter();
    }
    case "grpc": {
      const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-grpc") as typeof import("@opentelemetry/exporter-trace-otlp-grpc");
      return new OTLPTraceExporter();
    }
    default:
      throw new TraceExporterConfigError(
        `🚨 OTEL_EXPORTER_OTLP_PROTOCOL is ${JSON.stringify(protocol.slice(0, 40))}: use http/protobuf, http/json or grpc`,
      );
  }
}
