/**
 * Runs one lesson's test file in a child process (so a learner's infinite
 * loop or open server cannot hang the caller), against a chosen target, and
 * groups the results by task ("Task N: ..." describe blocks).
 */
import { spawn } from "node:child_process";
import { relative } from "node:path";
import { ROOT } from "../paths.ts";
import type { Lesson } from "./lessons.ts";

/** One line of reporter.mjs output. */
interface ReportedEvent {
  type: "pass" | "fail" | "stderr" | "stdout";
  name: string;
  nesting: number;
  suite?: boolean;
  message?: string;
}

export interface TestFailure {
  test: string;
  message: string;
}

export interface TaskResult {
  task: number;
  title: string;
  passed: boolean;
  tests: number;
  failures: TestFailure[];
}

/** A describe() that is not a task, e.g. a check of the whole trace once every task is done. */
export interface CheckResult {
  name: string;
  passed: boolean;
  failures: TestFailure[];
}

export interface RunResult {
  ok: boolean;
  tasks: TaskResult[];
  /** Describes outside the numbered tasks; they count towards `ok`. */
  checks: CheckResult[];
  /** Set when the file never got as far as running its tasks: a compile error, a throw at import, a hang. */
  problem?: string;
  /** Everything the lesson printed, for when a problem needs it. */
  output: string;
  /** The run was stopped at its time limit (a result worth re-running, not remembering). */
  timedOut?: boolean;
}

export interface RunOptions {
  /** "lessons" (default), "solutions", or an exact module file (e.g. a derived one under .pristine/). */
  target?: "lessons" | "solutions" | { file: string };
  /** Whole-file limit; a lesson that loops is killed after it. */
  timeoutMs?: number;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Aborting stops the run and everything it started (watch mode's Ctrl-C). */
  signal?: AbortSignal;
}

/** The default whole-file limit: 60 s, or WORKBOOK_TEST_TIMEOUT_MS (the CLI's tests use a short one). */
export function defaultTimeoutMs(env = process.env): number {
  const fromEnv = Number(env.WORKBOOK_TEST_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 60_000;
}

export const TASK_TITLE = /^Task (\d+)\b[:.]?\s*(.*)$/;

export function runLessonTests(lesson: Lesson, options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs();
  const target = options.target ?? "lessons";
  const env: Record<string, string | undefined> = {
    ...process.env,
    WORKBOOK_LLM_LATENCY_MS: process.env.WORKBOOK_LLM_LATENCY_MS ?? "0",
    WORKBOOK_TARGET: typeof target === "string" ? target : undefined,
    WORKBOOK_LESSON_FILE: typeof target === "string" ? undefined : relative(ROOT, target.file),
    // The lesson's own choice of exporters must not leak into its tests' output.
    OTEL_TRACES_EXPORTER: undefined,
    // Set when we are ourselves inside `node --test` (npm test): a child that
    // sees it talks the runner's internal protocol instead of using our reporter.
    NODE_TEST_CONTEXT: undefined,
    ...options.env,
  };
  const args = [
    "--import",
    "tsx",
    "--test",
    "--test-reporter=./shared/workbook/reporter.mjs",
    `--test-timeout=${Math.min(20_000, timeoutMs)}`,
    relative(ROOT, lesson.testPath),
  ];

  return new Promise((resolve) => {
    // detached: the child leads its own process group, so a timeout kills
    // everything the lesson started, not just node.
    const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    const abort = () => killGroup(child.pid);
    options.signal?.addEventListener("abort", abort, { once: true });
    if (options.signal?.aborted) abort();
    child.on("close", () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abort);
      killGroup(child.pid); // anything the tests left running (a server, a timer loop)
      const result = interpret(stdout, stderr);
      if (timedOut) {
        result.ok = false;
        result.timedOut = true;
        result.problem = `🚨 the tests did not finish within ${Math.round(timeoutMs / 1000)} s and were stopped. ` +
          "Does the lesson loop forever, or leave a server or timer running?";
      }
      resolve(result);
    });
  });
}

/** Kills a detached child and everything it started (its process group). */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Rebuilds the describe → it structure from the flat event stream (children are reported before their parent). */
export function interpret(stdout: string, stderr = ""): RunResult {
  const events: ReportedEvent[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      events.push(JSON.parse(line) as ReportedEvent);
    } catch {
      // a line the lesson printed that happens to start with "{"
    }
  }
  const output = events.filter((event) => event.type === "stdout" || event.type === "stderr").map((event) => event.message ?? "").join("") + stderr;

  const tasks: TaskResult[] = [];
  const checks: CheckResult[] = [];
  const pending = new Map<number, ReportedEvent[]>();
  let problem: string | undefined;
  for (const event of events) {
    if (event.type !== "pass" && event.type !== "fail") continue;
    const children = pending.get(event.nesting + 1) ?? [];
    pending.delete(event.nesting + 1);
    const task = TASK_TITLE.exec(event.name);
    if (event.suite && task) {
      const leaves = children.filter((child) => !child.suite);
      tasks.push({
        task: Number(task[1]),
        title: task[2] ?? "",
        passed: event.type === "pass",
        tests: leaves.length,
        failures: leaves
          .filter((child) => child.type === "fail")
          .map((child) => ({ test: child.name, message: child.message ?? "" }))
          .concat(event.type === "fail" && !leaves.some((child) => child.type === "fail") ? [{ test: "(setup)", message: event.message ?? "" }] : []),
      });
    } else if (event.suite && event.nesting === 0) {
      // A describe that is not a task (e.g. "The whole trace"): it still counts.
      const leaves = children.filter((child) => !child.suite);
      checks.push({
        name: event.name,
        passed: event.type === "pass",
        failures: leaves.filter((child) => child.type === "fail").map((child) => ({ test: child.name, message: child.message ?? "" })),
      });
    } else if (event.nesting === 0 && event.type === "fail" && !event.suite) {
      // A failure outside any task: usually the file itself failed to load.
      problem = loadProblem(output) ?? event.message;
    } else {
      const list = pending.get(event.nesting) ?? [];
      list.push(event);
      pending.set(event.nesting, list);
    }
  }
  tasks.sort((a, b) => a.task - b.task);
  const ok = !problem && tasks.length > 0 && tasks.every((task) => task.passed) && checks.every((check) => check.passed);
  return { ok, tasks, checks, problem, output };
}

/** The learner-facing part of an import-time error (our 🚨 message, or the first error line), not the stack. */
function loadProblem(output: string): string | undefined {
  const lines = output.split("\n");
  const ours = lines.findIndex((line) => line.includes("🚨"));
  if (ours >= 0) return lines.slice(ours, ours + 3).join("\n").trim();
  const error = lines.find((line) => /^\w*Error\b|^SyntaxError|ERROR:|Transform failed/.test(line.trim()));
  return error?.trim();
}
