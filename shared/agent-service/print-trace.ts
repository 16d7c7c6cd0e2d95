/**
 * Draws the spans several processes wrote to one WORKBOOK_TRACE_FILE as one
 * tree per trace: each process's own terminal view only sees its half.
 */
import { existsSync } from "node:fs";
import { TraceFlags } from "@opentelemetry/api";
import { millisToHrTime } from "@opentelemetry/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { readSpanRecords, type SpanRecord } from "../trace-view/dump.ts";
import { colorEnabled, renderTraces } from "../trace-view/index.ts";

/** A SpanRecord back in the shape the renderer reads (it reads no more than this). */
export function recordToSpan(record: SpanRecord): ReadableSpan {
  const context = (spanId: string, isRemote = false) => ({ traceId: record.traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote });
  return {
    name: record.name,
    kind: SpanKind[record.kind],
    spanContext: () => context(record.spanId),
    parentSpanContext: record.parentSpanId ? context(record.parentSpanId, record.parentIsRemote ?? false) : undefined,
    startTime: millisToHrTime(record.startMs),
    endTime: millisToHrTime(record.startMs + record.durationMs),
    duration: millisToHrTime(record.durationMs),
    status: { code: SpanStatusCode[record.status.code], ...(record.status.message ? { message: record.status.message } : {}) },
    attributes: record.attributes,
    links: record.links.map((link) => ({ context: context(link.spanId), attributes: link.attributes })),
    events: record.events.map((event) => ({ name: event.name, time: millisToHrTime(event.timeMs), attributes: event.attributes })),
    resource: { attributes: { "service.name": record.service } },
    instrumentationScope: { name: record.scope },
    ended: true,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  } as unknown as ReadableSpan;
}

export function printTraceFile(file: string, write: (text: string) => void = (text) => void process.stdout.write(text)): void {
  const records = existsSync(file) ? readSpanRecords(file) : [];
  if (records.length === 0) {
    write("\n(no spans were written: did the processes start their telemetry?)\n");
    return;
  }
  write(`\n${renderTraces(records.map(recordToSpan), { color: colorEnabled(process.stdout) })}\n\n`);
}
