/**
 * Zipkin's v2 API wants `timestamp` in whole epoch microseconds. The Zipkin
 * exporter rounds `duration` and annotation times, but not the span's
 * start: a span given an explicit start time with sub-microsecond digits
 * (`startSpan(name, { startTime: performance.now() })`, or an HrTime like
 * [1700000000, 123456789]) goes out as `"timestamp": 1700000000123456.8`,
 * and a real Zipkin rejects the whole batch with HTTP 400.
 *
 * Spans started without an explicit time start on a whole millisecond, so
 * they never hit this. This wrapper truncates the start to the microsecond,
 * only for Zipkin, and leaves every other field as the SDK recorded it.
 */
import type { HrTime } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

export function toWholeMicroseconds([seconds, nanos]: HrTime): HrTime {
  return [seconds, nanos - (nanos % 1000)];
}

/** The same span, seen with a start time Zipkin accepts. */
export function withMicrosecondStart(span: ReadableSpan): ReadableSpan {
  if (span.startTime[1] % 1000 === 0) return span;
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: toWholeMicroseconds(span.startTime),
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

export class MicrosecondStartExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(withMicrosecondStart), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
