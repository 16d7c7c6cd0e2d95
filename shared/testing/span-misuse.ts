/**
 * `useSpanMisuseWatch()`: call it inside a describe(); every test in it
 * records what the SDK reports through its diag channel when a span is used
 * after it ended: a second `end()` ("You can only call end() on a span once")
 * or an attribute, event or status set on an ended span ("Cannot execute the
 * operation on ended Span"). Both are silent in a real app (no diag logger,
 * the call is ignored), which is why a test has to listen for them.
 */
import { afterEach, beforeEach } from "node:test";
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

export interface SpanMisuse {
  kind: "ended-twice" | "used-after-end";
  spanId: string;
  /** The span's name when the diag line carries it (a second end() does). */
  name?: string;
}

const ENDED_TWICE = /^(.*) [0-9a-f]{32}-([0-9a-f]{16}) - You can only call end\(\) on a span once/;
const AFTER_END = /^Cannot execute the operation on ended Span \{traceId: [0-9a-f]{32}, spanId: ([0-9a-f]{16})\}/;

export interface SpanMisuseWatch {
  /** What was reported during the current test so far. */
  misuses(): SpanMisuse[];
  /** Fails with a 🚨 line per misuse, naming the span (looked up in `spans`) and `hint`. */
  assertNone(spans: readonly ReadableSpan[], hint?: string): void;
}

export function useSpanMisuseWatch(): SpanMisuseWatch {
  let seen: SpanMisuse[] = [];
  const listen = (message: string) => {
    const twice = ENDED_TWICE.exec(message);
    if (twice) {
      // A second end() first trips the SDK's generic "ended Span" warning, then
      // logs its own error: report it once, as what it is.
      const last = seen.at(-1);
      if (last?.kind === "used-after-end" && last.spanId === twice[2]) seen.pop();
      seen.push({ kind: "ended-twice", name: twice[1], spanId: twice[2]! });
    }
    const after = AFTER_END.exec(message);
    if (after) seen.push({ kind: "used-after-end", spanId: after[1]! });
  };
  const logger: DiagLogger = {
    error: listen,
    warn: listen,
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };

  beforeEach(() => {
    seen = [];
    diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  });
  afterEach(() => {
    diag.disable();
  });

  return {
    misuses: () => [...seen],
    assertNone(spans, hint) {
      const lines = seen.map((misuse) => {
        const name = misuse.name ?? spans.find((span) => span.spanContext().spanId === misuse.spanId)?.name ?? misuse.spanId;
        return misuse.kind === "ended-twice"
          ? `🚨 span "${name}" was ended twice: the SDK ignores the second end(), so the span's duration is whatever the first end() said. End each span in exactly one place (a finally block).`
          : `🚨 something was set on span "${name}" after it ended (setAttribute, addEvent, setStatus or recordException after end()): the SDK drops it. Set it before the span ends.`;
      });
      if (lines.length) throw new Error([...new Set(lines)].join("\n") + (hint ? `\n   ${hint}` : ""));
    },
  };
}
