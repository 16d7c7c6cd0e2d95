/**
 * Runs a lesson's solution the way a learner does (`node --import tsx
 * solutions/NN-topic.ts`), with WORKBOOK_TRACE_FILE and WORKBOOK_METRICS_FILE
 * set, and reads back the spans and metrics it really produced.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  METRICS_FILE_ENV,
  TRACE_FILE_ENV,
  readMetricRecords,
  readSpanRecords,
  type MetricRecord,
  type SpanRecord,
} from "../../shared/trace-view/dump.ts";
import type { Lesson } from "../../shared/workbook/lessons.ts";
import { runChild } from "../../shared/workbook/child-process.ts";

export interface SolutionRun {
  spans: SpanRecord[];
  metrics: MetricRecord[];
  /** What the terminal showed (colour off). */
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  ms: number;
}

export function runSolution(lesson: Lesson, root: string, timeoutMs = 60_000): Promise<SolutionRun> {
  const dir = mkdtempSync(join(tmpdir(), `docs-${lesson.id}-`));
  const traceFile = join(dir, "spans.jsonl");
  const metricsFile = join(dir, "metrics.jsonl");
  // The page shows the solution as it ships: none of the reader's own OTEL_*
  // settings (a sampler, exporter "none") may change what it draws.
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_")),
  );
  Object.assign(env, {
    [TRACE_FILE_ENV]: traceFile,
    [METRICS_FILE_ENV]: metricsFile,
    NO_COLOR: "1",
    // Unset: the fake LLM then takes 5–15 ms per call (seeded), so bars have
    // length. `npm test` sets 0, which would draw every chat span as a sliver.
    WORKBOOK_LLM_LATENCY_MS: undefined,
    WORKBOOK_TARGET: undefined,
    NODE_TEST_CONTEXT: undefined,
  });
  const started = performance.now();
  // runChild: its own process group, so a timeout stops the servers it started too.
  return runChild({ args: ["--import", "tsx", relative(root, lesson.solutionPath)], cwd: root, env, timeoutMs }).then((child) => {
    const run: SolutionRun = {
      spans: readSpanRecords(traceFile),
      metrics: readMetricRecords(metricsFile),
      output: child.output.replace(/\x1b\[[0-9;]*m/g, ""),
      exitCode: child.status,
      timedOut: child.timedOut,
      ms: performance.now() - started,
    };
    rmSync(dir, { recursive: true, force: true });
    return run;
  });
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of results. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
