/**
 * Runs a lesson file the way a learner does (`npx tsx lessons/NN-topic.ts`)
 * to show its trace tree, in a child process with a time limit. The child
 * leads its own process group, so a lesson that hangs, or leaves a server
 * open, is stopped together with everything it started.
 */
import { relative } from "node:path";
import { ROOT } from "../paths.ts";
import { runChild, type ChildOptions } from "./child-process.ts";
import { defaultTimeoutMs } from "./run-tests.ts";

export interface FileRun {
  status: number | null;
  output: string;
  timedOut: boolean;
  /** The limit it ran under. */
  timeoutMs: number;
}

export interface FileRunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  color?: boolean;
  /** Watch mode: processes started ahead of the run (warm-children.ts). */
  warm?: ChildOptions["warm"];
}

export function runLessonFile(path: string, options: FileRunOptions = {}): Promise<FileRun> {
  const timeoutMs = options.timeoutMs ?? Math.min(20_000, defaultTimeoutMs());
  const env: Record<string, string | undefined> = {
    ...process.env,
    WORKBOOK_TARGET: undefined,
    NODE_TEST_CONTEXT: undefined,
    FORCE_COLOR: options.color ? "1" : undefined,
    NO_COLOR: options.color ? undefined : "1",
  };
  return runChild({ args: ["--import", "tsx", relative(ROOT, path)], cwd: ROOT, env, timeoutMs, signal: options.signal, warm: options.warm }).then((run) => ({
    status: run.status,
    output: run.output,
    timedOut: run.timedOut,
    timeoutMs,
  }));
}
