/**
 * Small queries over finished spans, with failure messages written for the
 * learner: what is wrong in OpenTelemetry terms, and what to try.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

export const spanId = (span: ReadableSpan): string => span.spanContext().spanId;
export const traceId = (span: ReadableSpan): string => span.spanContext().traceId;
export const parentId = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
export const serviceOf = (span: ReadableSpan): string => String(span.resource.attributes["service.name"] ?? "?");
export const kindName = (kind: SpanKind): string => SpanKind[kind] ?? String(kind);
export const statusName = (code: SpanStatusCode): string => SpanStatusCode[code] ?? String(code);

export function names(spans: readonly ReadableSpan[]): string {
  return spans.length ? spans.map((span) => `"${span.name}"`).join(", ") : "(none)";
}

/** All spans with this name. */
export function spansNamed(spans: readonly ReadableSpan[], name: string | RegExp): ReadableSpan[] {
  return spans.filter((span) => (typeof name === "string" ? span.name === name : name.test(span.name)));
}

/** Exactly one span with this name, or a 🚨 explaining what was found instead. */
export function findSpan(spans: readonly ReadableSpan[], name: string | RegExp): ReadableSpan {
  const found = spansNamed(spans, name);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new Error(
      `🚨 no finished span named ${String(name)}. Finished spans: ${names(spans)}.\n` +
        "   Was it started with that name, and was span.end() called? Only ended spans reach an exporter.",
    );
  }
  throw new Error(`🚨 expected one span named ${String(name)} but found ${found.length}.`);
}

export function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((span) => parentId(span) === spanId(parent) && traceId(span) === traceId(parent));
}

export function parentOf(spans: readonly ReadableSpan[], child: ReadableSpan): ReadableSpan | undefined {
  const id = parentId(child);
  return id === undefined ? undefined : spans.find((span) => spanId(span) === id);
}

/** Spans with no parent at all: each is the start of its own trace. */
export function roots(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((span) => span.parentSpanContext === undefined);
}

/** Fails unless `child`'s parent is `parent`, with a message that says what the parent was instead. */
export function assertChildOf(spans: readonly ReadableSpan[], child: ReadableSpan, parent: ReadableSpan): void {
  if (parentId(child) === spanId(parent) && traceId(child) === traceId(parent)) return;
  const actual = parentOf(spans, child);
  const was =
    child.parentSpanContext === undefined
      ? "it has no parent: it started a new trace"
      : actual
        ? `its parent is "${actual.name}"`
        : `its parent ${parentId(child)} is not among the finished spans`;
  throw new Error(
    `🚨 span "${child.name}" should be a child of "${parent.name}", but ${was}.\n` +
      "   Was it started while the parent was active, inside startActiveSpan() / context.with(trace.setSpan(...))?",
  );
}
