// The dim lines printed under a span: why it is drawn where it is (notes),
// what it carries (attributes), what happened during it (events), and what
// it points at elsewhere (links). Plain text only; render.ts adds colour.

import type { AttributeValue, Attributes } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { Style } from "./ansi.ts";
import type { TreeDetail } from "./tree-detail.ts";
import { printable } from "../privacy/printable.ts";

export interface DetailLine {
  text: string;
  style: Style;
}

/** Enough to recognise a value; a full prompt or response would bury the tree. */
const MAX_VALUE_CHARS = 48;
/** Past this, a span's attributes are summarised as "… +N more". */
const MAX_ATTRIBUTES = 8;
/** Events are one line each, so their attributes get a tighter budget. */
const MAX_EVENT_ATTRIBUTES = 4;

export type ParentNote = "remote" | "printed-earlier" | "missing";

/**
 * The lines under a span. Compact keeps what explains the tree's shape and
 * what happened (notes, events, exceptions, links); full adds the attributes.
 */
export function detailLines(span: ReadableSpan, parentNote?: ParentNote, detail: TreeDetail = "compact"): DetailLine[] {
  const full = detail === "full";
  return [
    ...(parentNote ? [noteLine(span, parentNote)] : []),
    ...(full ? attributeLines(span.attributes) : []),
    ...span.events.map(eventLine),
    ...span.links.map((link): DetailLine => {
      const { traceId, spanId } = link.context;
      return { text: `⇢ link to trace ${shortTraceId(traceId)} span ${spanId}`, style: "dim" };
    }),
  ];
}

/** How many attributes a compact tree leaves out for this span. */
export function hiddenInCompact(span: ReadableSpan): number {
  return Object.values(span.attributes).filter((value) => value !== undefined).length;
}

/** Explains why a span with a parent is drawn as a root. */
function noteLine(span: ReadableSpan, note: ParentNote): DetailLine {
  const parentId = span.parentSpanContext?.spanId ?? "?";
  switch (note) {
    case "remote":
      // Normal for a server: the caller's span lives in another process (or
      // another tracer provider we are not sharing an exporter with).
      return { text: `↳ parent ${parentId} not in this process/trace`, style: "dim" };
    case "printed-earlier":
      // The child outlived its parent: fire-and-forget work, or a missing await.
      return { text: `↳ parent ${parentId} was printed earlier: this span ended after its trace was shown`, style: "yellow" };
    case "missing":
      return { text: `⚠ parent ${parentId} never arrived (was it ended? exported?)`, style: "yellow" };
  }
}

function attributeLines(attributes: Attributes): DetailLine[] {
  const entries = Object.entries(attributes).filter(([, value]) => value !== undefined);
  const shown = entries.length > MAX_ATTRIBUTES ? entries.slice(0, MAX_ATTRIBUTES - 1) : entries;
  const lines = shown.map(([key, value]): DetailLine => ({ text: `${printable(key, 80)}: ${formatValue(value)}`, style: "dim" }));
  if (shown.length < entries.length) lines.push({ text: `… +${entries.length - shown.length} more`, style: "dim" });
  return lines;
}

function eventLine(event: ReadableSpan["events"][number]): DetailLine {
  const attributes = event.attributes ?? {};
  if (event.name === "exception") {
    // recordException() stores the error as attributes; show it as the error reads.
    const type = attributes["exception.type"];
    const message = attributes["exception.message"];
    const text = [type, message].filter((part) => part !== undefined).map(formatValue).join(": ");
    return { text: `• exception ${text}`.trimEnd(), style: "red" };
  }
  const entries = Object.entries(attributes).filter(([, value]) => value !== undefined);
  const name = printable(event.name, 80);
  if (entries.length === 0) return { text: `• ${name}`, style: "dim" };
  const parts = entries.slice(0, MAX_EVENT_ATTRIBUTES).map(([key, value]) => `${printable(key, 80)}: ${formatValue(value)}`);
  if (entries.length > MAX_EVENT_ATTRIBUTES) parts.push(`… +${entries.length - MAX_EVENT_ATTRIBUTES} more`);
  return { text: `• ${name} {${parts.join(", ")}}`, style: "dim" };
}

/** One line, at most MAX_VALUE_CHARS: strings as written, arrays as JSON. */
export function formatValue(value: AttributeValue | undefined): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  // Newlines as ⏎, other control characters escaped (printable.ts): values can come from outside.
  const oneLine = printable(text.slice(0, 4 * MAX_VALUE_CHARS).replace(/\r?\n/g, "⏎"), Infinity);
  return oneLine.length > MAX_VALUE_CHARS ? `${oneLine.slice(0, MAX_VALUE_CHARS - 1)}…` : oneLine;
}

/** The first 8 hex digits are enough to tell traces apart on one screen. */
export function shortTraceId(traceId: string): string {
  return `${traceId.slice(0, 8)}…`;
}
