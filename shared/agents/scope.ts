/**
 * The instrumentation scope of the agent domain: the name and version every
 * span and metric from here carries, so a backend can tell *which library*
 * produced them (not which service — that is the resource's job).
 *
 * Only the OpenTelemetry API is used. `trace.getTracer()` and
 * `metrics.getMeter()` return whatever provider the application registered —
 * or no-ops if it registered none. This code never learns which SDK, exporter
 * or sampler is behind them, and that is the point.
 */
import { metrics, trace, type Meter, type Tracer } from "@opentelemetry/api";

export const INSTRUMENTATION_SCOPE = { name: "workbook.agents", version: "1.0.0" } as const;

// Looked up on every use rather than cached at import time: the metrics API
// has no proxy, so a meter fetched before the application registers its
// MeterProvider would stay a no-op forever.
export function defaultTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_SCOPE.name, INSTRUMENTATION_SCOPE.version);
}

export function defaultMeter(): Meter {
  return metrics.getMeter(INSTRUMENTATION_SCOPE.name, INSTRUMENTATION_SCOPE.version);
}
