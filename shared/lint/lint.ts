/**
 * A "telemetry lint": it reads finished spans (and the ones still open) and
 * names the mistakes that make traces go missing or become useless in a
 * backend. Each finding says what is wrong in OpenTelemetry terms and what
 * to do about it.
 *
 *   unended-span           started, never ended: no exporter ever sees it
 *   orphan-span            its parent never arrived: the trace has a hole
 *   high-cardinality-name  an id in a span name: every request its own "operation"
 *   oversized-attribute    a value past the length budget: cost, and often user data
 */
import { isSpanContextValid, type AttributeValue } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

export type LintRule = "unended-span" | "orphan-span" | "high-cardinality-name" | "oversized-attribute";

export interface LintFinding {
  rule: LintRule;
  spanName: string;
  traceId: string;
  spanId: string;
  message: string;
}

export interface LintOptions {
  /** Spans started and not ended (from an OpenSpanTracker or a SpanLintProcessor). */
  open?: readonly ReadableSpan[];
  /** Longest attribute value (in characters) that is not flagged. Default 1024. */
  maxAttributeLength?: number;
}

export const DEFAULT_MAX_ATTRIBUTE_LENGTH = 1024;

/**
 * Parts of a span name that look like ids: uuids, e-mail addresses, long hex
 * strings, numbers of 3+ digits standing alone or after `_ / : = #`, and any
 * id with a digit after a word such as user_, session-, order. A
 * number after "-" is left alone, so model names such as
 * "chat gpt-4o-2024-08-06" are not flagged. A heuristic: a hint, not a proof.
 */
const ID_PATTERNS: RegExp[] = [
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
  /[^\s@/]+@[^\s@/]+\.[a-z]{2,}/gi,
  /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\b/gi,
  /(?<=^|[\s_/:=#])\d{3,}(?=$|[\s_/.?&:-])/g,
  // Any id after a word that says what it numbers: user_42, session-8c1f2b, order7.
  /(?<=\b(?:user|session|order|request|req|conversation|conv|customer|account|message|msg|id)[_:-])(?=[0-9a-z]*\d)[0-9a-z]+\b/gi,
  /(?<=\b(?:user|session|order|request|req|conversation|conv|customer|account|message|msg|id))\d+\b/gi,
];

export function idLikeParts(name: string): string[] {
  return [...new Set(ID_PATTERNS.flatMap((pattern) => name.match(pattern) ?? []))];
}

function lengthOf(value: AttributeValue | undefined): number {
  if (value === undefined || value === null) return 0;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + String(item ?? "").length, 0);
  return String(value).length;
}

function finding(rule: LintRule, span: ReadableSpan, message: string): LintFinding {
  const { traceId, spanId } = span.spanContext();
  return { rule, spanName: span.name, traceId, spanId, message };
}

export function lintSpans(finished: readonly ReadableSpan[], options: LintOptions = {}): LintFinding[] {
  const maxLength = options.maxAttributeLength ?? DEFAULT_MAX_ATTRIBUTE_LENGTH;
  const open = options.open ?? [];
  const findings: LintFinding[] = [];

  for (const span of open) {
    findings.push(
      finding(
        "unended-span",
        span,
        `span "${span.name}" was started and never ended, so no exporter will ever see it (and its children look like orphans). ` +
          "End it on every path: try { ... } finally { span.end(); }",
      ),
    );
  }

  // Span ids known in each trace: finished ones, and open ones (an open
  // parent is reported as unended above; its children are not orphans twice).
  const known = new Set([...finished, ...open].map((span) => `${span.spanContext().traceId}/${span.spanContext().spanId}`));

  for (const span of finished) {
    const parent = span.parentSpanContext;
    if (parent && isSpanContextValid(parent) && !known.has(`${parent.traceId}/${parent.spanId}`)) {
      findings.push(
        finding(
          "orphan-span",
          span,
          parent.isRemote
            ? `span "${span.name}" has a remote parent ${parent.spanId} that never arrived: the calling service did not export it ` +
                "(not instrumented, sampled out with a sampler that ignores the parent, or exporting to another backend). Its trace has no root."
            : `span "${span.name}" has a parent ${parent.spanId} that never arrived: was the parent ended? ` +
                "An unended parent is never exported, and its children show up as orphan roots.",
        ),
      );
    }

    const ids = idLikeParts(span.name);
    if (ids.length > 0) {
      findings.push(
        finding(
          "high-cardinality-name",
          span,
          `span name "${span.name}" contains ${ids.map((id) => `"${id}"`).join(", ")}: ids in names make every request its own operation ` +
            "(backends group, sample and alert by name). Use a fixed name and put the id in an attribute, e.g. user.id.",
        ),
      );
    }

    for (const [key, value] of Object.entries(span.attributes)) {
      const length = lengthOf(value);
      if (length > maxLength) {
        findings.push(
          finding(
            "oversized-attribute",
            span,
            `attribute "${key}" on span "${span.name}" is ${length} characters (budget ${maxLength}): large values cost on every span and ` +
              "are often user data. Record a size or a summary, and set spanLimits.attributeValueLengthLimit as a safety net.",
          ),
        );
      }
    }
  }
  return findings;
}

/** One line per finding, or a clean bill of health. */
export function formatFindings(findings: readonly LintFinding[]): string {
  if (findings.length === 0) return "✓ telemetry lint: no findings";
  return [`⚠ telemetry lint: ${findings.length} finding(s)`, ...findings.map((f) => `  [${f.rule}] ${f.message}`)].join("\n");
}
