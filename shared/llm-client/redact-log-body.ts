/**
 * Message content as instrumentation-openai 0.21.0 emits it: log records
 * whose body is a map (`{ content }`, `{ message: { content, tool_calls } }`,
 * `{ id, content }` for a tool result). Every string in it is passed through
 * lesson 12's redactText(); the walk is bounded (depth and entries) so a
 * hostile body cannot make it expensive, and what lies past the bound is
 * dropped, not passed on unscanned.
 */
import type { AnyValue } from "@opentelemetry/api-logs";
import { redactText } from "../privacy/index.ts";

const MAX_DEPTH = 8;
const MAX_ENTRIES = 256;

export function redactLogBody(value: AnyValue, depth = 0): AnyValue {
  if (typeof value === "string") return redactText(value);
  if (value === null || value === undefined || typeof value !== "object" || value instanceof Uint8Array) return value;
  if (depth >= MAX_DEPTH) return "[REDACTED:unscanned]";
  if (Array.isArray(value)) return value.slice(0, MAX_ENTRIES).map((item) => redactLogBody(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, MAX_ENTRIES)
      .map(([key, item]) => [key, redactLogBody(item, depth + 1)]),
  );
}
