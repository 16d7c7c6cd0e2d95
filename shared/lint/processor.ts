/**
 * `SpanLintProcessor`: put it in a provider's spanProcessors and ask it for
 * findings at any time. It sees every span at start and at end, which is what
 * an exporter cannot do: an exporter never hears of a span that never ended.
 *
 * Memory is bounded on purpose: a lint that keeps every span would itself be
 * the leak it is meant to find. It keeps the last `maxSpans` finished spans
 * and at most `maxSpans` open ones.
 */
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { lintSpans, type LintFinding, type LintOptions } from "./lint.ts";

export interface SpanLintProcessorOptions extends Omit<LintOptions, "open"> {
  /** How many finished (and open) spans to keep. Default 10 000. */
  maxSpans?: number;
}

export class SpanLintProcessor implements SpanProcessor {
  readonly #open = new Map<string, ReadableSpan>();
  #finished: ReadableSpan[] = [];
  readonly #options: SpanLintProcessorOptions;
  readonly #maxSpans: number;

  constructor(options: SpanLintProcessorOptions = {}) {
    this.#options = options;
    this.#maxSpans = options.maxSpans ?? 10_000;
  }

  onStart(span: Span, _parentContext: Context): void {
    this.#open.set(span.spanContext().spanId, span);
    if (this.#open.size > this.#maxSpans) this.#open.delete(this.#open.keys().next().value!);
  }

  onEnd(span: ReadableSpan): void {
    this.#open.delete(span.spanContext().spanId);
    this.#finished.push(span);
    // Trim in chunks, not on every span: cheap, and still bounded.
    if (this.#finished.length > this.#maxSpans * 1.5) this.#finished = this.#finished.slice(-this.#maxSpans);
  }

  /** Spans held right now (finished + open): what the memory bound is about. */
  retainedCount(): number {
    return Math.min(this.#finished.length, this.#maxSpans) + this.#open.size;
  }

  openSpans(): ReadableSpan[] {
    return [...this.#open.values()];
  }

  findings(): LintFinding[] {
    return lintSpans(this.#finished.slice(-this.#maxSpans), { ...this.#options, open: this.openSpans() });
  }

  /** Forget everything seen so far (e.g. between runs of a doctor script). */
  reset(): void {
    this.#open.clear();
    this.#finished = [];
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
