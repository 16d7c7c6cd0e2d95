// Draws finished spans as one tree per trace, with a waterfall bar per span,
// so a learner can see at a glance what called what, what took the time and
// what failed, without running Jaeger or Zipkin.
//
// trace 4bf92f35…  3 spans  12.3 ms  services: gateway, llm-service
//   agent.run [gateway] SERVER        12.3 ms  ████████████████████████  ✓
//   ├─ llm.call [llm-service] CLIENT   8.1 ms     ███████████████
//   └─ db.query [gateway]              2.0 ms                     ████   ✗ ERROR: timeout

import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { hrTimeToMilliseconds } from "@opentelemetry/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { paint } from "./ansi.ts";
import { detailLines, shortTraceId, type DetailLine, type ParentNote } from "./details.ts";
import type { TreeDetail } from "./tree-detail.ts";
import { printable } from "../privacy/printable.ts";

export { colorEnabled } from "./ansi.ts";

export interface RenderOptions {
  /** ANSI colours. Off unless asked for: with `false` the output has no escape codes at all. */
  color?: boolean;
  /** Width of the waterfall bar in characters. Default 24. */
  width?: number;
  /**
   * Span ids already shown in an earlier tree of the same trace. A span whose
   * parent is among them ended after its parent was printed (the exporter
   * passes this; plain callers can ignore it).
   */
  printedSpanIds?: ReadonlySet<string>;
  /** compact (default): the shape, status, events and errors; full: also attributes (tree-detail.ts). */
  detail?: TreeDetail;
}

/** One span's place in the drawing, before columns are aligned. */
interface Row {
  span: ReadableSpan;
  /** Box-drawing characters before the span's name. */
  branch: string;
  /** Prefix for the lines under the span, so the tree's verticals continue. */
  detailPrefix: string;
  details: DetailLine[];
}

const DEFAULT_BAR_WIDTH = 24;

export function renderTraces(spans: readonly ReadableSpan[], options: RenderOptions = {}): string {
  return groupByTrace(spans)
    .map((traceSpans) => renderTrace(traceSpans, options))
    .join("\n\n");
}

/** Traces in the order they started; spans keep their arrival order until the tree sorts them. */
function groupByTrace(spans: readonly ReadableSpan[]): ReadableSpan[][] {
  const traces = new Map<string, ReadableSpan[]>();
  for (const span of spans) {
    const traceId = span.spanContext().traceId;
    const trace = traces.get(traceId) ?? [];
    trace.push(span);
    traces.set(traceId, trace);
  }
  return [...traces.values()].sort((a, b) => earliestStart(a) - earliestStart(b));
}

function renderTrace(spans: readonly ReadableSpan[], options: RenderOptions): string {
  const color = options.color ?? false;
  const rows = treeRows(spans, options.printedSpanIds, options.detail ?? "compact");
  const axis = { start: earliestStart(spans), end: Math.max(...spans.map((s) => ms(s.endTime))) };

  const header = [
    paint(`trace ${shortTraceId(spans[0]!.spanContext().traceId)}`, "bold", color),
    plural(spans.length, "span"),
    formatMs(axis.end - axis.start),
    `services: ${serviceNames(rows.map((row) => row.span)).join(", ")}`,
  ].join("  ");

  // Align the duration and bar columns: the waterfall only reads as a time
  // axis when every bar starts in the same column.
  const labelWidth = Math.max(...rows.map((row) => row.branch.length + plainLabel(row.span).length));
  const durationWidth = Math.max(...rows.map((row) => formatMs(ms(row.span.duration)).length));

  const lines = [header];
  for (const row of rows) {
    const padding = " ".repeat(labelWidth - row.branch.length - plainLabel(row.span).length);
    const duration = formatMs(ms(row.span.duration)).padStart(durationWidth);
    const line = [
      row.branch + styledLabel(row.span, color) + padding,
      duration,
      bar(row.span, axis, options.width ?? DEFAULT_BAR_WIDTH, color),
      status(row.span, color),
    ].join("  ");
    lines.push(line.trimEnd());
    for (const detail of row.details) lines.push(row.detailPrefix + paint(detail.text, detail.style, color));
  }
  return lines.join("\n");
}

/**
 * Walks the parent/child links depth first. A span whose parent is not in the
 * set becomes a root of its own, with a note saying why.
 */
function treeRows(spans: readonly ReadableSpan[], printedSpanIds: ReadonlySet<string> | undefined, detail: TreeDetail): Row[] {
  const present = new Set(spans.map((span) => span.spanContext().spanId));
  const children = new Map<string, ReadableSpan[]>();
  const roots: ReadableSpan[] = [];
  for (const span of spans) {
    const parentId = span.parentSpanContext?.spanId;
    if (parentId !== undefined && present.has(parentId)) {
      const siblings = children.get(parentId) ?? [];
      siblings.push(span);
      children.set(parentId, siblings);
    } else {
      roots.push(span);
    }
  }

  const rows: Row[] = [];
  const visit = (span: ReadableSpan, branch: string, childPrefix: string, note?: ParentNote): void => {
    const kids = byStartTime(children.get(span.spanContext().spanId) ?? []);
    // Under a span with children, its detail lines keep the vertical going down to them.
    const detailPrefix = childPrefix + (kids.length > 0 ? "│  " : "   ");
    rows.push({ span, branch, detailPrefix, details: detailLines(span, note, detail) });
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1;
      visit(kid, childPrefix + (last ? "└─ " : "├─ "), childPrefix + (last ? "   " : "│  "));
    });
  };
  for (const root of byStartTime(roots)) visit(root, "  ", "  ", parentNote(root, printedSpanIds));
  return rows;
}

function parentNote(root: ReadableSpan, printedSpanIds?: ReadonlySet<string>): ParentNote | undefined {
  const parent = root.parentSpanContext;
  if (!parent) return undefined; // a true root: nothing to explain
  if (parent.isRemote) return "remote";
  if (printedSpanIds?.has(parent.spanId)) return "printed-earlier";
  return "missing";
}

/** name [service] KIND, where INTERNAL (the default kind) is left out as noise. */
function plainLabel(span: ReadableSpan): string {
  const kind = kindName(span);
  return `${spanName(span)} [${serviceName(span)}]${kind ? ` ${kind}` : ""}`;
}

function styledLabel(span: ReadableSpan, color: boolean): string {
  const kind = kindName(span);
  return (
    paint(spanName(span), "bold", color) +
    " " +
    paint(`[${serviceName(span)}]`, "cyan", color) +
    (kind ? ` ${paint(kind, "magenta", color)}` : "")
  );
}

function kindName(span: ReadableSpan): string | undefined {
  return span.kind === SpanKind.INTERNAL ? undefined : SpanKind[span.kind];
}

/** The span's offset and length on the trace's shared time axis. */
function bar(span: ReadableSpan, axis: { start: number; end: number }, width: number, color: boolean): string {
  const total = axis.end - axis.start;
  const from = total > 0 ? (ms(span.startTime) - axis.start) / total : 0;
  const to = total > 0 ? (ms(span.endTime) - axis.start) / total : 1;
  const offset = Math.min(Math.round(from * width), width - 1);
  // At least one block, so even a 0.1 ms span is visible.
  const length = Math.max(1, Math.min(Math.round(to * width) - offset, width - offset));
  const blocks = paint("█".repeat(length), span.status.code === SpanStatusCode.ERROR ? "red" : "cyan", color);
  return " ".repeat(offset) + blocks + " ".repeat(width - offset - length);
}

function status(span: ReadableSpan, color: boolean): string {
  switch (span.status.code) {
    case SpanStatusCode.ERROR: {
      const message = span.status.message ? `: ${printable(span.status.message)}` : "";
      return paint(`✗ ERROR${message}`, "red", color);
    }
    case SpanStatusCode.OK:
      return paint("✓", "green", color);
    default:
      return ""; // UNSET: the instrumentation made no claim either way
  }
}

// Names and messages can come from outside (a request body, OTEL_SERVICE_NAME):
// escape sequences in them must not drive the terminal (shared/privacy/printable.ts).
function serviceName(span: ReadableSpan): string {
  return printable(span.resource.attributes["service.name"] ?? "unknown_service", 80);
}

function spanName(span: ReadableSpan): string {
  return printable(span.name, 120);
}

/** Services in the order they first appear in the tree. */
function serviceNames(spans: readonly ReadableSpan[]): string[] {
  return [...new Set(spans.map(serviceName))];
}

function byStartTime(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return [...spans].sort((a, b) => ms(a.startTime) - ms(b.startTime));
}

function earliestStart(spans: readonly ReadableSpan[]): number {
  return Math.min(...spans.map((span) => ms(span.startTime)));
}

const ms = hrTimeToMilliseconds;

function formatMs(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
