/**
 * Delivery reporting: how many spans reached each backend, and why the others
 * did not.
 *
 * Out of the box the SDK loses spans quietly: an exporter that cannot reach
 * its backend hands a FAILED result to the BatchSpanProcessor, which passes
 * the error to the global error handler and moves on; a full batch queue
 * drops spans with a debug message; a backend that accepts the connection
 * and never answers leaves a socket open that can keep the process alive
 * after shutdown() has given up. This module turns all of that into one
 * line per backend at shutdown, e.g.
 *
 *   ⚠ zipkin: 12 of 12 spans not delivered to http://127.0.0.1:9411/api/v2/spans:
 *     connection refused (is Zipkin running? docker compose up zipkin)
 *
 * Three small pieces, all plain SDK interfaces:
 *   - DeliveryReport: the counts for one backend;
 *   - ReportingExporter: a SpanExporter wrapper that counts each export's result;
 *   - ReportingBatchProcessor: the BatchSpanProcessor, plus a count of the spans
 *     it was given, so spans it never handed to the exporter (queue full, or
 *     still queued when shutdown gave up) are counted too.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { TraceFlags, type Context } from "@opentelemetry/api";
import { displayUrl, printable } from "../privacy/printable.ts";
import { redactText } from "../privacy/redact.ts";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import {
  BatchSpanProcessor,
  type BufferConfig,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";

export interface DeliveryTarget {
  /** "zipkin", "jaeger" or "otlp": the name the learner wrote in OTEL_TRACES_EXPORTER. */
  backend: string;
  /** Where spans go, as the learner would type it (a URL, or udp://host:port). */
  endpoint: string;
  /** What to try when nothing gets through, e.g. "is Zipkin running? docker compose up zipkin". */
  hint: string;
  /** UDP cannot tell whether anything received the spans: say "sent", never "delivered". */
  unconfirmed?: boolean;
}

/** Export errors the reporter has already counted; the global error handler can skip them. */
export const countedErrors = new WeakSet<object>();

/** Thrown into a request we abort because its backend never answered. */
export class NoAnswerError extends Error {
  override name = "NoAnswerError";
}

export class DeliveryReport {
  /** Sampled spans given to the batch processor. */
  ended = 0;
  /** Spans the processor handed to the exporter. */
  handed = 0;
  delivered = 0;
  /** Spans lost per reason ("connection refused", "HTTP 503", ...). */
  readonly lost = new Map<string, number>();
  private frozen = false;

  constructor(readonly target: DeliveryTarget) {}

  recordResult(count: number, result: ExportResult): void {
    if (this.frozen) return;
    if (result.code === ExportResultCode.SUCCESS) {
      this.delivered += count;
      return;
    }
    if (result.error) countedErrors.add(result.error);
    this.addLoss(explainExportError(result.error), count);
  }

  private addLoss(reason: string, count: number): void {
    if (count > 0) this.lost.set(reason, (this.lost.get(reason) ?? 0) + count);
  }

  /**
   * Stops counting and settles the books: spans handed over with no answer
   * yet were never answered; spans given to the processor and never handed
   * over were dropped (full queue) or still queued when shutdown gave up.
   * Later callbacks (from requests we are about to abort) change nothing.
   */
  freeze({ gaveUp, waitedMs, longestWaitMs }: { gaveUp: boolean; waitedMs: number; longestWaitMs?: number }): void {
    if (this.frozen) return;
    const answered = this.delivered + [...this.lost.values()].reduce((a, b) => a + b, 0);
    this.addLoss(
      gaveUp
        ? `the backend accepted the connection but did not answer before shutdown gave up after ${waitedMs} ms`
        : longestWaitMs !== undefined
          ? `the backend accepted the connection but gave no answer in ${longestWaitMs} ms`
          : "the backend accepted the connection but never answered",
      this.handed - answered,
    );
    this.addLoss(
      gaveUp ? "still queued when shutdown gave up" : "dropped by the batch processor: its queue was full (maxQueueSize)",
      this.ended - this.handed,
    );
    this.frozen = true;
  }

  /** One line for the learner, or undefined when there is nothing to say. */
  summary(): string | undefined {
    const { backend, hint, unconfirmed } = this.target;
    // Never print a password from the endpoint (http://user:password@host).
    const endpoint = displayUrl(this.target.endpoint);
    const lostCount = [...this.lost.values()].reduce((a, b) => a + b, 0);
    if (lostCount === 0) {
      if (!unconfirmed || this.ended === 0) return undefined;
      return `ℹ ${backend}: ${this.delivered} spans sent to ${endpoint} over UDP, which gives no delivery signal: check the Jaeger UI to see whether they arrived.`;
    }
    const reasons = [...this.lost].map(([reason, count]) => (this.lost.size > 1 ? `${count} ${reason}` : reason)).join("; ");
    // The hint is about reaching the backend at all: say it only when that failed.
    const unreachable = [...this.lost.keys()].some((reason) => reason === "connection refused" || reason === "host not found");
    return `⚠ ${backend}: ${lostCount} of ${this.ended} spans not delivered to ${endpoint}: ${reasons}${unreachable ? ` (${hint})` : ""}`;
  }
}

/** A short, human reason for a failed export; the exporters word their errors differently. */
export function explainExportError(error: unknown): string {
  if (error instanceof NoAnswerError) return error.message;
  // Exporters put whatever they got into their messages (URLs with credentials, a backend's answer):
  // mask secrets, escape control characters, keep it short.
  return printable(redactText(rawReason(error), { maxChars: 1000 }), 200);
}

function rawReason(error: unknown): string {
  const err = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof err?.code === "string" ? err.code : "";
  // Bounded first: an exporter may quote a backend's whole answer.
  const message = (typeof err?.message === "string" ? err.message : String(error ?? "")).slice(0, 10_000);
  const status = typeof err?.code === "number" ? err.code : Number(/\b(?:status code from zipkin:|HTTP) (\d{3})\b/.exec(message)?.[1]);
  if (status >= 400) return `HTTP ${status}${status === 503 ? " (service unavailable)" : ""}`;
  if (code === "ECONNREFUSED" || /ECONNREFUSED/.test(message)) return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || /ENOTFOUND|EAI_AGAIN/.test(message)) return "host not found";
  if (code === "ECONNRESET" || /ECONNRESET|socket hang up/.test(message)) return "the backend closed the connection";
  if (/timed? ?out/i.test(message)) return "timed out waiting for the backend";
  if (/retryable/i.test(message)) return "the backend kept asking to retry later (HTTP 429/502/503/504)";
  return message.split("\n")[0] || "export failed";
}

/**
 * Counts what happens to every batch the processor hands over, and lets
 * every export in flight finish before the exporter is shut down: the batch
 * processor does not wait for an export its timer started, and the Jaeger
 * exporter's shutdown closes its HTTP sender, which would cut a healthy
 * backend's answer off and turn it into a false loss. setupTelemetry bounds
 * the whole wait (shutdownTimeoutMs), so a backend that never answers still
 * cannot hold shutdown.
 */
export class ReportingExporter implements SpanExporter {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly inner: SpanExporter,
    readonly report: DeliveryReport,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.report.handed += spans.length;
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.pending.add(done);
    const attempt: ExportAttempt = { report: this.report, statuses: [] };
    // Requests this export makes belong to this report (see InFlightRequests).
    exporting.run(attempt, () =>
      this.inner.export(spans, (result) => {
        this.pending.delete(done);
        settle();
        this.report.recordResult(spans.length, acceptedDespite(result, attempt));
        resultCallback(result);
      }),
    );
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled(this.pending);
    return this.inner.shutdown();
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled(this.pending);
    return this.inner.forceFlush?.();
  }
}

/**
 * The OTLP exporter (otlp-exporter-base 0.223, MAX_RESPONSE_BODY_SIZE) stops
 * reading an answer past 4 MiB and reports a failure "regardless of status
 * code". When that answer was a 2xx, the backend had accepted the spans: they
 * were delivered, and a loss report would be false.
 */
function acceptedDespite(result: ExportResult, attempt: ExportAttempt): ExportResult {
  if (result.code === ExportResultCode.SUCCESS) return result;
  const message = result.error instanceof Error ? result.error.message : "";
  const accepted = attempt.statuses.some((status) => status >= 200 && status <= 299);
  if (accepted && /response body exceeded size limit/.test(message)) {
    countedErrors.add(result.error!);
    return { code: ExportResultCode.SUCCESS };
  }
  return result;
}

/** A BatchSpanProcessor that also counts the spans it receives (the ones it would queue). */
export class ReportingBatchProcessor implements SpanProcessor {
  private readonly batch: BatchSpanProcessor;

  constructor(
    exporter: SpanExporter,
    config: BufferConfig,
    readonly report: DeliveryReport,
  ) {
    this.batch = new BatchSpanProcessor(new ReportingExporter(exporter, report), config);
  }

  onStart(span: Span, parentContext: Context): void {
    this.batch.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // The same test the batch processor makes: unsampled spans are never queued.
    if (span.spanContext().traceFlags & TraceFlags.SAMPLED) this.report.ended += 1;
    this.batch.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown();
  }
}

/**
 * HTTP requests to the backends, as they go out. The exporters create their
 * own requests (Zipkin's even uses the global agent), so we watch Node's
 * documented `http.client.request.start` diagnostics channel. A request
 * belongs to the report whose export created it: ReportingExporter runs each
 * export inside `exporting.run(report, ...)`, and AsyncLocalStorage carries
 * that through the exporter's promises and callbacks to the request. So a
 * service that shuts down frees only its own requests: two services sharing
 * one backend never cut each other's exports short (they once did, and the
 * second service then reported spans a healthy backend had not lost yet).
 *
 * An open socket is a live handle: one waiting on a backend that never
 * answers would keep the process running after the work is done. So their
 * sockets are unref'd, and at shutdown the requests still waiting are
 * destroyed, each with how long it really waited.
 */
const exporting = new AsyncLocalStorage<ExportAttempt>();

/** One export call: whose it is, and the HTTP status of each answer it got. */
interface ExportAttempt {
  report: DeliveryReport;
  statuses: number[];
}

class InFlightRequests {
  private readonly requests = new Map<ClientRequest, { owner: DeliveryReport; startedAt: number }>();
  private watchers = 0;
  private readonly onStart = (message: unknown): void => {
    const attempt = exporting.getStore();
    if (!attempt) return; // not made by one of our exporters
    const request = (message as { request: ClientRequest }).request;
    this.requests.set(request, { owner: attempt.report, startedAt: performance.now() });
    request.once("close", () => this.requests.delete(request));
    request.once("response", (response) => attempt.statuses.push(response.statusCode ?? 0));
    // Export traffic alone must not keep the process running. While an export
    // is pending, the batch processor's own export timer (exportTimeoutMillis,
    // a live timer) keeps it up, so a slow backend still gets its answer in;
    // after that, a backend that never answers cannot hold the process.
    request.on("socket", (socket) => socket.unref());
  };

  watch(): void {
    if (this.watchers++ === 0) subscribe("http.client.request.start", this.onStart);
  }

  /** Destroys the requests `owner`'s exports still have open; returns the longest any of them waited (ms). */
  abandon(owner: DeliveryReport): number | undefined {
    let longest: number | undefined;
    for (const [request, { owner: of, startedAt }] of this.requests) {
      if (of !== owner) continue;
      const waited = Math.round(performance.now() - startedAt);
      longest = Math.max(longest ?? 0, waited);
      request.destroy(new NoAnswerError(`no answer within ${waited} ms`));
      this.requests.delete(request);
    }
    return longest;
  }

  unwatch(): void {
    if (--this.watchers === 0) unsubscribe("http.client.request.start", this.onStart);
  }
}

const inFlight = new InFlightRequests();

/** All the delivery reports of one setupTelemetry(), closed together at shutdown. */
export class DeliveryReports {
  private readonly reports: DeliveryReport[] = [];

  add(target: DeliveryTarget): DeliveryReport {
    const report = new DeliveryReport(target);
    this.reports.push(report);
    if (!target.unconfirmed) inFlight.watch();
    return report;
  }

  get size(): number {
    return this.reports.length;
  }

  /**
   * Called once the providers have shut down, or once shutdown gave up:
   * settles every report, frees the sockets of backends that never
   * answered, and returns one line per backend that lost spans.
   */
  close({ gaveUp, waitedMs }: { gaveUp: boolean; waitedMs: number }): string[] {
    const lines: string[] = [];
    for (const report of this.reports) {
      // Free this report's requests first, to say how long the unanswered ones really waited.
      const longestWaitMs = report.target.unconfirmed ? undefined : inFlight.abandon(report);
      if (!report.target.unconfirmed) inFlight.unwatch();
      report.freeze({ gaveUp, waitedMs, longestWaitMs });
      const line = report.summary();
      if (line) lines.push(line);
    }
    this.reports.length = 0;
    return lines;
  }
}
