/**
 * What every instrumented operation does when it fails, in one place so the
 * agent span and the LLM span agree.
 */
import { SpanStatusCode, type Span } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";

/**
 * The `error.type` value for an error: a short, low-cardinality class of
 * failure. The error's `code` when it has one ("rate_limit_exceeded"), else its
 * class name, else the convention's catch-all "_OTHER". Never the message:
 * messages carry ids and numbers, which would explode metric cardinality.
 */
export function errorTypeOf(err: unknown): string {
  if (typeof err === "object" && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    if (err instanceof Error) return err.name;
  }
  return "_OTHER";
}

/**
 * Mark `span` as failed: an `exception` event (type, message, stack), status
 * ERROR with the message, and `error.type`. The caller still rethrows and ends
 * the span — recording an error is not handling it.
 */
export function recordSpanError(span: Span, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  span.recordException(err instanceof Error ? err : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(err));
}
