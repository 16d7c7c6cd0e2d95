/**
 * What an OTLP receiver got, one row per span with its resource and its
 * instrumentation scope: part two's tests ask "which library made this span"
 * (@opentelemetry/instrumentation-http, -undici) and "which service".
 */
import type { OtlpReceiver } from "../receivers/index.ts";
import { otlpToWire, type WireSpan } from "../receivers/index.ts";

export interface ReceivedSpan extends WireSpan {
  scope: string;
  resource: Record<string, string>;
}

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
const text = (value: AnyValue) => String(value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? "");

export function receivedSpans(receiver: OtlpReceiver): ReceivedSpan[] {
  return receiver.requests.flatMap((request) =>
    (request.resourceSpans ?? []).flatMap((resourceSpans) => {
      const resource = Object.fromEntries((resourceSpans.resource?.attributes ?? []).map(({ key, value }) => [key, text(value)]));
      return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
        otlpToWire({ resourceSpans: [{ ...resourceSpans, scopeSpans: [scopeSpans] }] }).map((span) => ({
          ...span,
          scope: scopeSpans.scope?.name ?? "",
          resource,
        })),
      );
    }),
  );
}

/** Polls until `count()` reaches `expected`, or stops growing for `quietMs` after the first span, or `deadlineMs` passes. */
export async function settle(count: () => number, expected: number, quietMs = 500, deadlineMs = 3000): Promise<void> {
  const start = Date.now();
  let last = -1;
  let since = Date.now();
  while (Date.now() - start < deadlineMs) {
    const now = count();
    if (now >= expected) return;
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (now > 0 && Date.now() - since > quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
