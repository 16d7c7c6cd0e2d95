// A SpanExporter that prints each trace as a tree once it is complete.
//
// Spans reach an exporter one by one as they END, children before parents.
// Printing each span as it arrives would scatter a trace across the output,
// so we hold a trace's spans until its local root (the outermost span in
// this process) ends, then print them together.
//
// Several tracer providers (several "services" in one process) may share one
// instance: a trace that crosses them then prints as a single tree.

import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { colorEnabled } from "./ansi.ts";
import { appendSpanRecords, TRACE_FILE_ENV } from "./dump.ts";
import { paint } from "./ansi.ts";
import { hiddenInCompact } from "./details.ts";
import { renderTraces } from "./render.ts";
import { HIDDEN_DETAIL_HINT, treeDetailFromEnv, type TreeDetail } from "./tree-detail.ts";

export interface TraceTreeExporterOptions {
  /** Where trees go. Default: process.stdout. */
  write?: (text: string) => void;
  /** ANSI colours. Default: on for a terminal (see colorEnabled), off when `write` is given. */
  color?: boolean;
  /** Width of the waterfall bar. Default 24. */
  width?: number;
  /** Also append every span, as JSON lines, to this file (see dump.ts). Default: env WORKBOOK_TRACE_FILE. */
  dumpFile?: string;
  /** compact (the shape) or full (with attributes). Default: env WORKBOOK_TREE, else compact. */
  detail?: TreeDetail;
}

/**
 * A server whose callers live in other processes never sees its trace's root,
 * so its traces wait for shutdown. Past this many, the oldest prints early
 * rather than growing without bound.
 */
const MAX_PENDING_TRACES = 100;
/** How many printed traces we remember, to explain spans that end after their trace printed. */
const MAX_REMEMBERED_TRACES = 100;

export class TraceTreeExporter implements SpanExporter {
  readonly #write: (text: string) => void;
  readonly #color: boolean;
  readonly #width: number | undefined;
  readonly #dumpFile: string | undefined;
  readonly #detail: TreeDetail;
  /** The compact tree says once how to see what it hides. */
  #hintShown = false;
  /** Ended spans waiting for their trace to complete, by trace id (oldest trace first). */
  readonly #pending = new Map<string, ReadableSpan[]>();
  /** Span ids already printed, by trace id. */
  readonly #printed = new Map<string, Set<string>>();
  #spanCount = 0;

  constructor(options: TraceTreeExporterOptions = {}) {
    this.#write = options.write ?? ((text) => void process.stdout.write(text));
    // A custom writer is usually a test or a file: only colour it when forced.
    this.#color = options.color ?? colorEnabled(options.write ? { isTTY: false } : process.stdout);
    this.#width = options.width;
    // The docs site runs each solution with this set, and draws its real trace from the file.
    this.#dumpFile = options.dumpFile ?? (process.env[TRACE_FILE_ENV] || undefined);
    this.#detail = options.detail ?? treeDetailFromEnv();
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const complete = new Set<string>();
    this.#spanCount += spans.length;
    if (this.#dumpFile) this.#dump(this.#dumpFile, spans);
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      const buffered = this.#pending.get(traceId) ?? [];
      buffered.push(span);
      this.#pending.set(traceId, buffered);
      if (this.#completesTrace(span)) complete.add(traceId);
    }
    for (const traceId of complete) this.#print(traceId);
    while (this.#pending.size > MAX_PENDING_TRACES) this.#print(this.#pending.keys().next().value!);
    // Printing is a view, not delivery: it must never make the app's telemetry "fail".
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Prints every trace still waiting: remote-parented servers, children of spans that never ended. */
  forceFlush(): Promise<void> {
    for (const traceId of [...this.#pending.keys()]) this.#print(traceId);
    return Promise.resolve();
  }

  /**
   * Flushes, but stays usable: with one instance shared by several providers,
   * the first provider to shut down must not silence the others.
   */
  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  /** How many spans reached this exporter: 0 after a run means the pipeline is not wired up. */
  spanCount(): number {
    return this.#spanCount;
  }

  /** Trace ids printed so far (the most recent ones), oldest first. */
  printedTraceIds(): string[] {
    return [...this.#printed.keys()];
  }

  /**
   * Nothing above this span will arrive here: it has no parent at all (the
   * local root), or its parent was already printed (it outlived its parent).
   * A remote parent does not count: in-process, the calling service's spans
   * are still to come, and if the caller is elsewhere we wait until flush.
   */
  #completesTrace(span: ReadableSpan): boolean {
    const parent = span.parentSpanContext;
    if (!parent) return true;
    return this.#printed.get(span.spanContext().traceId)?.has(parent.spanId) ?? false;
  }

  #print(traceId: string): void {
    const spans = this.#pending.get(traceId);
    this.#pending.delete(traceId);
    if (!spans) return;
    const printed = this.#printed.get(traceId) ?? new Set<string>();
    try {
      const text = renderTraces(spans, { color: this.#color, width: this.#width, printedSpanIds: printed, detail: this.#detail });
      const hint = this.#detail === "compact" && !this.#hintShown && spans.some((span) => hiddenInCompact(span) > 0);
      if (hint) this.#hintShown = true;
      this.#write(hint ? `${text}\n${paint(HIDDEN_DETAIL_HINT, "dim", this.#color)}\n\n` : `${text}\n\n`);
    } catch (error) {
      // A broken view (or a closed stdout) must not break the app being traced.
      console.error(`trace-view: could not print trace ${traceId}:`, error);
    }
    for (const span of spans) printed.add(span.spanContext().spanId);
    this.#remember(traceId, printed);
  }

  #dump(file: string, spans: ReadableSpan[]): void {
    try {
      appendSpanRecords(file, spans);
    } catch (error) {
      console.error(`trace-view: could not append spans to ${file}:`, error);
    }
  }

  #remember(traceId: string, spanIds: Set<string>): void {
    this.#printed.delete(traceId); // re-insert so the Map's order stays "least recently printed first"
    this.#printed.set(traceId, spanIds);
    if (this.#printed.size > MAX_REMEMBERED_TRACES) this.#printed.delete(this.#printed.keys().next().value!);
  }
}
