/**
 * Runs a lesson file the way a learner does (`npx tsx lessons/NN-topic.ts`)
 * to show its trace tree, in a child process with a time limit. The child
 * leads its own process group, so a lesson that hangs, or leaves a server
 * open, is stopped together with everything it started.
 */
import { spawn } from "node:child_process";
import { relative } from "node:path";
import { ROOT } from "../paths.ts";
import { defaultTimeoutMs, killGroup } from "./run-tests.ts";

export interface FileRun {
  status: number | null;
  output: string;
  timedOut: boolean;
}

export interface FileRunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  color?: boolean;
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
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", relative(ROOT, path)], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    let timedOut = false;
    const stop = () => killGroup(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    options.signal?.addEventListener("abort", stop, { once: true });
    if (options.signal?.aborted) stop();
    child.on("close", (status) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", stop);
      stop(); // whatever the lesson left running in its group
      resolve({ status, output, timedOut });
    });
  });
}
