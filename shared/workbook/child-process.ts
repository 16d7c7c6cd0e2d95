/**
 * Every child process the workbook starts (a lesson's tests, a lesson run, a
 * type check, a solution run for the docs) goes through `runChild`: the child
 * leads its own process group (`detached`), so a time limit, an abort or the
 * end of the run stops everything the learner's code started (a server, a
 * timer loop), not just node. Groups still alive are remembered, so a CLI
 * that receives SIGINT/SIGTERM/SIGHUP stops them before it exits.
 */
import { spawn } from "node:child_process";
import type { WarmChildren } from "./warm-children.ts";

export interface ChildOptions {
  /** Arguments after node itself, e.g. ["--import", "tsx", "file.ts"]. */
  args: string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Stop the group after this long; the result then has timedOut. */
  timeoutMs: number;
  /** Aborting stops the group (watch mode: a save makes a run stale). */
  signal?: AbortSignal;
  /** Called with each chunk of standard output as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Watch mode: run the file (the last of `args`) in a process started ahead, when one is ready (warm-children.ts). */
  warm?: Pick<WarmChildren, "take">;
}

export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Both streams in the order they arrived, as a terminal would show them. */
  output: string;
  timedOut: boolean;
  aborted: boolean;
  ms: number;
}

/** Live child groups: pid → resolves once the child has exited and its streams closed. */
const running = new Map<number, Promise<void>>();

/** Kills a detached child and everything it started (its process group). */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Kills every group this process started and has not yet seen end, and
 * resolves once those children are gone (at most `waitMs`), so a caller that
 * exits next leaves nothing behind.
 */
export async function killAllChildren(waitMs = 3000): Promise<void> {
  const closing = [...running.entries()].map(([pid, closed]) => {
    killGroup(pid);
    return closed;
  });
  await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
}

export function runChild(options: ChildOptions): Promise<ChildResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child =
      options.warm?.take(options.args, options.cwd, options.env ?? process.env) ??
      spawn(process.execPath, options.args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    const pid = child.pid;
    let closed!: () => void;
    if (pid !== undefined) running.set(pid, new Promise<void>((resolve) => (closed = resolve)));
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      output += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      output += chunk;
    });
    let timedOut = false;
    let aborted = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pid);
    }, options.timeoutMs);
    const abort = () => {
      aborted = true;
      killGroup(pid);
    };
    options.signal?.addEventListener("abort", abort, { once: true });
    if (options.signal?.aborted) abort();
    const finish = (status: number | null) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abort);
      killGroup(pid); // whatever the child left running in its group
      if (pid !== undefined) {
        running.delete(pid);
        closed();
      }
      resolve({ status, stdout, stderr, output, timedOut, aborted, ms: performance.now() - started });
    };
    child.on("error", (error) => {
      stderr += `${error.message}\n`;
      output += `${error.message}\n`;
      finish(null);
    });
    child.on("close", (status) => finish(status));
  });
}

/**
 * `npm run` starts the command through `sh -c`; on SIGTERM npm stops sh, and
 * sh does not pass the signal on, so the command would run on as an orphan.
 * When the parent goes away, the command sends itself SIGHUP (a hang-up is
 * what happened) and its own handlers stop everything it started.
 */
export function hangUpWhenOrphaned(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, "SIGHUP");
  }, 300).unref();
}

let installed = false;
/**
 * For the learner's commands: on SIGINT, SIGTERM or SIGHUP (Ctrl-C, `kill`,
 * a closed terminal), stop every child group, then exit 130/143/129 unless a
 * handler of the command's own (`onSignal`) takes over the exit.
 */
export function stopChildrenOnSignals(onSignal?: (signal: NodeJS.Signals) => void): void {
  if (installed) return;
  installed = true;
  hangUpWhenOrphaned();
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      void killAllChildren().then(() => (onSignal ? onSignal(signal) : process.exit(codes[signal])));
    });
  }
}
