// Test helpers: real SDK providers (no mocks), one per "service", with
// explicit start/end times so durations and waterfall bars are exact.

import { context, trace, type Context, type HrTime, type Span } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";

export function serviceProvider(serviceName: string, exporter: SpanExporter, ...more: SpanProcessor[]) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [...more, new SimpleSpanProcessor(exporter)],
  });
  return { provider, tracer: provider.getTracer("trace-view-test") };
}

/** `ms` milliseconds after a fixed instant, as HrTime. */
export function at(ms: number): HrTime {
  const nanos = Math.round(ms * 1e6);
  return [1_700_000_000 + Math.floor(nanos / 1e9), nanos % 1e9];
}

/** A context whose active span is `parent`: no global context manager needed. */
export function under(parent: Span): Context {
  return trace.setSpan(context.active(), parent);
}

/** Captures what an exporter prints. */
export function capture() {
  const chunks: string[] = [];
  return { write: (text: string) => void chunks.push(text), chunks, text: () => chunks.join("") };
}

export const ANSI = /\x1b\[/;
