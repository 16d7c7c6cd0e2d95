// Spans that are started and never ended are invisible: exporters only ever
// see ENDED spans, so a forgotten span.end() leaves no trace at all, and
// its children show up as orphans. This processor remembers every span
// between start and end, so the kit can name the culprits at shutdown.

import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { shortTraceId } from "./details.ts";
import { printable } from "../privacy/printable.ts";

/**
 * A leak of unended spans must not become a memory leak of ours: past this
 * many, the oldest are forgotten (the warning is a hint, not an audit).
 */
const MAX_TRACKED = 10_000;
/** Names listed in the warning; more would bury the advice at its end. */
const MAX_LISTED = 5;

export class OpenSpanTracker implements SpanProcessor {
  /** Started, not yet ended, in start order. Keyed by span id: forgotten on end. */
  readonly #open = new Map<string, ReadableSpan>();

  onStart(span: Span, _parentContext: Context): void {
    this.#open.set(span.spanContext().spanId, span);
    if (this.#open.size > MAX_TRACKED) this.#open.delete(this.#open.keys().next().value!);
  }

  onEnd(span: ReadableSpan): void {
    this.#open.delete(span.spanContext().spanId);
  }

  /** Spans started and not (yet) ended, oldest first. */
  openSpans(): ReadableSpan[] {
    return [...this.#open.values()];
  }

  // The kit that owns the provider reads openSpans() before shutting down and
  // prints the warning itself, so these have nothing to do.
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A learner-facing warning naming spans that never ended, or undefined when there are none. */
export function describeOpenSpans(spans: readonly ReadableSpan[]): string | undefined {
  if (spans.length === 0) return undefined;
  const listed = spans
    .slice(0, MAX_LISTED)
    .map((span) => `"${printable(span.name, 120)}" (trace ${shortTraceId(span.spanContext().traceId)})`);
  if (spans.length > MAX_LISTED) listed.push(`and ${spans.length - MAX_LISTED} more`);
  const [subject, them] = spans.length === 1 ? ["1 span was", "it"] : [`${spans.length} spans were`, "them"];
  return (
    `⚠ ${subject} started but never ended, so no exporter ever saw ${them}: ${listed.join(", ")}. ` +
    `Call span.end() on every path, e.g. in a finally block.`
  );
}
