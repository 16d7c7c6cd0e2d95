// The telemetry lint: finds unended spans, orphans, ids in span names and oversized attributes.
export { lintSpans, formatFindings, idLikeParts, DEFAULT_MAX_ATTRIBUTE_LENGTH, type LintFinding, type LintOptions, type LintRule } from "./lint.ts";
export { SpanLintProcessor, type SpanLintProcessorOptions } from "./processor.ts";
