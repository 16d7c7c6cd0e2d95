/**
 * One shape for a span as a backend received it, whatever the wire format
 * (Zipkin JSON, Jaeger Thrift, OTLP JSON), so tests can ask the same
 * questions of all three: which service, which trace, which parent, which kind.
 */
export type WireKind = "INTERNAL" | "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER";

export interface WireSpan {
  traceId: string;
  spanId: string;
  parentId?: string;
  name: string;
  kind: WireKind;
  serviceName: string;
  /** Epoch microseconds. */
  startMicros: number;
  durationMicros: number;
  /** Attributes as strings (Zipkin only has strings). */
  tags: Record<string, string>;
  /** Event / annotation / log names. */
  events: string[];
  status: "UNSET" | "OK" | "ERROR";
}

/** The spans of one trace, by trace id. */
export function traces(spans: readonly WireSpan[]): Map<string, WireSpan[]> {
  const byTrace = new Map<string, WireSpan[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  return byTrace;
}
