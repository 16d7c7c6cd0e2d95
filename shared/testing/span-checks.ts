/**
 * Three mistakes the SDK lets pass silently, caught for every lesson test:
 *
 * 1. A span ended twice. In sdk-trace 2.12.1 (Span.js, `end()`), a second
 *    `end()` returns early after `diag.error("... - You can only call end() on
 *    a span once.")`: no second onEnd, so an in-memory exporter records the
 *    span once and a test cannot see it. The first end wins; whatever the code
 *    meant to record before the second one is lost. We wrap each recorded
 *    span's `end` (the SDK's own, still called) to notice the second call.
 * 3. A span changed after it ended. In sdk-trace 2.12.1 (Span.js,
 *    `_isSpanEnded()`), setAttribute, setAttributes, addEvent, addLink(s),
 *    setStatus, updateName and recordException on an ended span return at
 *    once after `diag.warn("Cannot execute the operation on ended Span ...")`:
 *    the change is lost, and without a diag logger nobody hears of it. We wrap
 *    those methods the same way and name the line of the late call.
 * 2. A sampling-relevant attribute added after the span started. The sampler
 *    runs inside startSpan() and sees only the attributes passed there; the
 *    conventions list which attributes it may need (sampling-attributes.ts).
 *    We compare the attribute keys a span had in onStart with those it ends with.
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ROOT } from "./load-lesson.ts";
import { samplingRules } from "./sampling-attributes.ts";

export interface SpanCheckOptions {
  /** Fail when a span is ended twice (default true). */
  endOnce?: boolean;
  /** Fail when a sampling-relevant attribute arrives after start (default true). */
  samplingAttributesAtStart?: boolean;
  /** Fail when a span is changed after it ended (default true). */
  notAfterEnd?: boolean;
}

/** What a span's code can still change, and so do too late. */
const CHANGES = ["setAttribute", "setAttributes", "addEvent", "addLink", "addLinks", "setStatus", "updateName", "recordException"] as const;

const THIS_FILE = fileURLToPath(import.meta.url);

/** The first stack frame in the workbook's own files, past this one: where the code under test called end() (or changed the span). */
function callSite(stack: string | undefined): string {
  for (const frame of (stack ?? "").split("\n").slice(1)) {
    const match = /((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(frame);
    if (!match) continue;
    const file = match[1]!.replace(/^file:\/\//, "");
    if (!file.startsWith(`${ROOT}/`) || file.includes("/node_modules/") || file === THIS_FILE) continue;
    return `${relative(ROOT, file)}:${match[2]}`;
  }
  return "an unknown place";
}

export class SpanMistakeDetector implements SpanProcessor {
  private readonly startKeys = new WeakMap<object, Set<string>>();
  private readonly found: string[] = [];

  constructor(private readonly options: SpanCheckOptions = {}) {}

  onStart(span: Span, _parentContext: Context): void {
    this.startKeys.set(span, new Set(Object.keys(span.attributes)));
    if (this.options.notAfterEnd !== false) this.watchChangesAfterEnd(span);
    if (this.options.endOnce === false) return;
    const sdkEnd = span.end;
    let ends = 0;
    span.end = (endTime) => {
      if (++ends === 2) {
        this.found.push(
          `🚨 span "${span.name}" was ended twice (second end() at ${callSite(new Error().stack)}).\n` +
            "   The SDK ignores a second span.end(): the span keeps its first end time, whatever was set on it after\n" +
            '   that is lost, and the SDK only reports "You can only call end() on a span once" to the diag logger,\n' +
            "   so the mistake is silent. End each span exactly once on every path: one end() in a finally block,\n" +
            "   not also in try or catch.",
        );
      }
      return sdkEnd.call(span, endTime);
    };
  }

  private watchChangesAfterEnd(span: Span): void {
    // recordException calls addEvent, setAttributes calls setAttribute: report the call the code made, not the SDK's own.
    let inside = false;
    const reported = new Set<string>();
    for (const method of CHANGES) {
      const sdkMethod = span[method] as (...args: unknown[]) => unknown;
      (span as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (!inside && span.ended) {
          const where = callSite(new Error().stack);
          if (!reported.has(`${method} ${where}`)) {
            reported.add(`${method} ${where}`);
            this.found.push(
              `🚨 span "${span.name}" was changed after it ended (${method}() at ${where}).\n` +
                "   The SDK ignores any change to an ended span (setAttribute, addEvent, setStatus, recordException,\n" +
                '   updateName): it is lost, and the SDK only reports "Cannot execute the operation on ended Span" to the\n' +
                "   diag logger, so the mistake is silent. Make the change before end(): end() belongs last, in a finally\n" +
                "   block, after the work (and any await of it) is done.",
            );
          }
        }
        inside = true;
        try {
          return sdkMethod.apply(span, args);
        } finally {
          inside = false;
        }
      };
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this.options.samplingAttributesAtStart === false) return;
    const atStart = this.startKeys.get(span) ?? new Set<string>();
    for (const rule of samplingRules(span.kind, span.attributes)) {
      const late = Object.keys(span.attributes).filter((key) => rule.isSamplingRelevant(key) && !atStart.has(key));
      if (late.length === 0) continue;
      const keys = late.map((key) => `"${key}"`).join(", ");
      this.found.push(
        `🚨 span "${span.name}" got ${keys} only after it started. A sampler decides when the span starts and sees\n` +
          "   only the attributes passed to tracer.startSpan() / startActiveSpan(), so it never saw " +
          (late.length === 1 ? "this one" : "these") +
          ".\n   Pass them in the options' `attributes` when you start the span; attributes that only exist later\n" +
          `   (response, usage, errors) are fine to set later. Source: ${rule.source}, "SHOULD be provided at span creation time".`,
      );
    }
  }

  /** Every mistake seen so far, as 🚨 messages. */
  mistakes(): readonly string[] {
    return this.found;
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
