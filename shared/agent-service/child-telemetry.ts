/**
 * What part two's lessons hand the processes they start (a model server, an
 * agent service, an MCP server) so that one run draws one trace: every
 * process writes its spans to one file (WORKBOOK_TRACE_FILE, as JSON lines),
 * the lesson prints that file as one tree at the end, and each child keeps
 * the other exporters OTEL_TRACES_EXPORTER names (otlp, zipkin ...) but not
 * the terminal tree, which would show only its own part of the trace.
 * The docs site sets WORKBOOK_TRACE_FILE itself, to draw the run's waterfall.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ChildTelemetry {
  /** The file every process appends its spans to. */
  readonly traceFile: string;
  /** The variables to pass each child process. */
  readonly env: { WORKBOOK_TRACE_FILE: string; OTEL_TRACES_EXPORTER: string };
  /** Removes the temporary folder (the trace file in it too, unless WORKBOOK_TRACE_FILE named one elsewhere). */
  remove(): void;
}

/** `name` prefixes the temporary folder, e.g. "lesson-13". */
export function childTelemetry(name: string, from: NodeJS.ProcessEnv = process.env): ChildTelemetry {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const traceFile = from.WORKBOOK_TRACE_FILE || join(dir, "spans.jsonl");
  const exporters = (from.OTEL_TRACES_EXPORTER ?? "").split(",").map((exporter) => exporter.trim()).filter((exporter) => exporter && exporter !== "tree");
  return {
    traceFile,
    env: { WORKBOOK_TRACE_FILE: traceFile, OTEL_TRACES_EXPORTER: exporters.join(",") || "none" },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
