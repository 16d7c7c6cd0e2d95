/**
 * Runs one lesson's test file in a child process (so a learner's infinite
 * loop or open server cannot hang the caller), against a chosen target, and
 * groups the results by task ("Task N: ..." describe blocks).
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { ROOT } from "../paths.ts";
import { tasksIn } from "../authoring/derive.ts";
import { runChild, type ChildOptions } from "./child-process.ts";
import type { Lesson } from "./lessons.ts";

/** One line of reporter.mjs output. */
export interface ReportedEvent {
  /** start: about to run; done: has run; pass/fail: its result, reported in the order tests are declared. */
  type: "start" | "done" | "pass" | "fail" | "stderr" | "stdout";
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
  /** The last test that reported a result, with its task: where to look when the run was stopped or ended early. */
  lastReported?: string;
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
  /** A test that makes no progress for this long is stopped (default: 20 s, at most half the whole-run limit). */
  testTimeoutMs?: number;
  /** Each test event as it arrives (watch mode shows the first results early). */
  onEvent?: (event: ReportedEvent) => void;
  /** Watch mode: processes started ahead of the run (warm-children.ts). */
  warm?: ChildOptions["warm"];
}

/** The default whole-file limit: 60 s, or WORKBOOK_TEST_TIMEOUT_MS (the CLI's tests use a short one). */
export function defaultTimeoutMs(env = process.env): number {
  const fromEnv = Number(env.WORKBOOK_TEST_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 60_000;
}

/** One test's limit: 20 s (at most half the whole run's), or WORKBOOK_TEST_STALL_MS. */
export function defaultTestTimeoutMs(wholeRunMs: number, env = process.env): number {
  const fromEnv = Number(env.WORKBOOK_TEST_STALL_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : Math.min(20_000, Math.floor(wholeRunMs / 2));
}

export const TASK_TITLE = /^Task (\d+)\b[:.]?\s*(.*)$/;

export function runLessonTests(lesson: Lesson, options: RunOptions = {}): Promise<RunResult> {
  // Part two's lessons (13+) start processes (a model server, an agent service),
  // seconds each on a busy machine: they get three times the budget.
  const partTwo = Number(lesson.id) >= 13;
  const timeoutMs = options.timeoutMs ?? (partTwo ? 3 : 1) * defaultTimeoutMs();
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
  // One process: the test file runs directly under node (no `node --test`
  // runner process in between, which costs a second node start and buffers
  // the results until the file ends). The reporter streams one JSON line per
  // event, so a test that stops making progress is seen, named and stopped here.
  const args = ["--import", "tsx", "--test-reporter=./shared/workbook/reporter.mjs", "--test-reporter-destination=stdout", relative(ROOT, lesson.testPath)];
  // Part two's tests start real processes (a model server, an agent service, an
  // MCP server): one test can take tens of seconds on a loaded machine.
  const testLimitMs = options.testTimeoutMs ?? (partTwo ? Math.floor(timeoutMs / 2) : defaultTestTimeoutMs(timeoutMs));

  const stall = new AbortController();
  const watchdog = new StallWatch(testLimitMs, () => stall.abort());
  // Either the caller or the watchdog stops the run (forwarded by hand: Node 20's AbortSignal.any can lose its listeners to GC).
  const stop = new AbortController();
  const signal = stop.signal;
  stall.signal.addEventListener("abort", () => stop.abort(), { once: true });
  options.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  if (options.signal?.aborted) stop.abort();
  let buffered = "";
  const onStdout = (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      const event = parseEvent(line);
      if (!event) continue;
      watchdog.saw(event);
      options.onEvent?.(event);
    }
  };

  return runChild({ args, cwd: ROOT, env, timeoutMs, signal, onStdout, warm: options.warm }).then((run) => {
    watchdog.stop();
    const result = interpret(run.stdout, run.stderr);
    if (stall.signal.aborted && !options.signal?.aborted) {
      result.ok = false;
      result.timedOut = true;
      result.problem = stalled(watchdog.running(), testLimitMs);
    } else if (run.timedOut) {
      result.ok = false;
      result.timedOut = true;
      result.problem = wholeRunTimeout(timeoutMs, result.lastReported);
    } else if (!run.aborted && !result.problem) {
      const missing = expectedTasks(lesson).filter((task) => !result.tasks.some((entry) => entry.task === task));
      if (missing.length > 0) {
        result.ok = false;
        result.problem = (run.status !== 0 && loadProblem(result.output)) || endedEarly(missing, run.status, result.lastReported);
      }
    }
    return result;
  });
}

/**
 * Watches the event stream for a test that stops making progress: no event
 * for `limitMs` while a test is running. (A synchronous endless loop blocks
 * the reporter too; the whole-run limit catches that one.)
 */
class StallWatch {
  private open: { name: string; task?: string }[] = [];
  private task: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly limitMs: number, private readonly onStall: () => void) {}

  saw(event: ReportedEvent): void {
    if (event.type === "start") {
      if (TASK_TITLE.test(event.name)) this.task = event.name;
      this.open.push({ name: event.name, task: this.task });
    } else if (event.type === "done") {
      const index = this.open.findLastIndex((entry) => entry.name === event.name);
      if (index >= 0) this.open.splice(index, 1);
    } else return;
    clearTimeout(this.timer);
    this.timer = this.open.length ? setTimeout(this.onStall, this.limitMs) : undefined;
  }

  /** The innermost test still running, with its task. */
  running(): { name: string; task?: string } | undefined {
    return this.open.at(-1);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

function stalled(test: { name: string; task?: string } | undefined, limitMs: number): string {
  const what = test ? `"${test.name}"${test.task && test.task !== test.name ? ` (${test.task})` : ""}` : "a test";
  return (
    `🚨 ${what} did not finish within ${seconds(limitMs)} and was stopped, with the rest of the run. ` +
    "(An endless loop also stops the test reports: if that test had in fact finished, the next one in the file is the one that hangs.)" +
    `\n   ${LIKELY_CAUSES}`
  );
}

function parseEvent(line: string): ReportedEvent | undefined {
  if (!line.startsWith("{\"type\":")) return undefined;
  try {
    const event = JSON.parse(line) as ReportedEvent;
    return ["start", "done", "pass", "fail", "stdout", "stderr"].includes(event.type) ? event : undefined;
  } catch {
    return undefined; // a line the lesson printed that happens to look like ours
  }
}

/** The task numbers the lesson teaches (its solution's TODO regions). */
function expectedTasks(lesson: Lesson): number[] {
  try {
    return tasksIn(readFileSync(lesson.solutionPath, "utf8"));
  } catch {
    return []; // no readable solution: nothing to compare with
  }
}

const LIKELY_CAUSES =
  "Likely causes: an endless loop, a promise that never settles (an await on something that never resolves), " +
  "or a server, socket or timer left open (close it, or clearInterval it, when the work is done).";

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function wholeRunTimeout(timeoutMs: number, lastReported: string | undefined): string {
  const where = lastReported
    ? `The last test to report was ${lastReported}: the test after it in the test file is the one that did not finish.`
    : "No test had reported before the stop: look first at code that runs when the lesson is imported (the top level of the file).";
  return `🚨 the tests did not finish within ${seconds(timeoutMs)} and were stopped. ${where}\n   ${LIKELY_CAUSES}`;
}

function endedEarly(missing: number[], status: number | null, lastReported: string | undefined): string {
  return (
    `🚨 the test process ended (exit status ${status ?? "none"}) before ${missing.length === 1 ? `Task ${missing[0]}` : `Tasks ${missing.join(", ")}`} reported` +
    `${lastReported ? `, after ${lastReported}` : ""}. ` +
    "The lesson ended the test process: does it call process.exit() (or process.kill) when it is imported or when a test calls it? " +
    "Set process.exitCode instead, and let main() run only when the file is executed (runMain)."
  );
}

/**
 * node:assert prints "+ actual - expected"; `npm run diff` prints your lines
 * with "-" and the solution's with "+". One convention for both, in words:
 * "-" marks yours, "+" what the test expected.
 */
export function yoursExpected(message: string): string {
  const lines = message.split("\n");
  const header = lines.findIndex((line) => line.trim() === "+ actual - expected");
  if (header < 0) {
    const simple = /^(.*) !== (.*)$/.exec(message.trim().split("\n").at(-1) ?? "");
    if (!simple) return message;
    return [...message.trimEnd().split("\n").slice(0, -1), `yours: ${simple[1]}, expected: ${simple[2]}`].join("\n");
  }
  const swapped = lines.map((line, index) => {
    if (index < header) return line;
    if (index === header) return "- yours + expected";
    if (line.startsWith("+ ") || line === "+") return `-${line.slice(1)}`;
    if (line.startsWith("- ") || line === "-") return `+${line.slice(1)}`;
    return line;
  });
  return swapped.join("\n");
}

/** node:test's own messages for a test that never ends, rewritten to name the test, its task, the limit and the likely causes. */
function timeoutMessage(test: string, task: string, message: string): string {
  const limit = /test timed out after (\d+)ms/.exec(message);
  if (limit) return `🚨 "${test}" (${task}) did not finish within ${seconds(Number(limit[1]))} and was stopped.\n   ${LIKELY_CAUSES}`;
  if (/Promise resolution is still pending but the event loop has already resolved/.test(message)) {
    return `🚨 "${test}" (${task}) never finished: it awaits a promise that never settles, and nothing else was left to run.\n` +
      "   Look for an await on something that never resolves or rejects (a resolve() that is never called, an event that never fires).";
  }
  return message;
}

/** Rebuilds the describe → it structure from the flat event stream (children are reported before their parent). */
export function interpret(stdout: string, stderr = ""): RunResult {
  const events: ReportedEvent[] = [];
  const printed: string[] = [];
  for (const line of stdout.split("\n")) {
    const event = parseEvent(line);
    if (event) events.push(event);
    else if (line) printed.push(line); // what the lesson or its tests printed themselves
  }
  const output = [
    ...printed,
    ...events.filter((event) => event.type === "stdout" || event.type === "stderr").map((event) => event.message ?? ""),
    stderr,
  ].join("\n").trim();

  const tasks: TaskResult[] = [];
  const checks: CheckResult[] = [];
  const pending = new Map<number, ReportedEvent[]>();
  let problem: string | undefined;
  let currentTask: string | undefined;
  let lastReported: string | undefined;
  for (const event of events) {
    if (event.type === "start") {
      if (TASK_TITLE.test(event.name)) currentTask = event.name;
      continue;
    }
    if (event.type === "done") {
      if (event.nesting > 0) lastReported = `"${event.name}"${currentTask ? ` (${currentTask})` : ""}`;
      continue;
    }
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
          .map((child) => ({ test: child.name, message: yoursExpected(timeoutMessage(child.name, event.name, child.message ?? "")) }))
          .concat(event.type === "fail" && !leaves.some((child) => child.type === "fail") ? [{ test: "(setup)", message: event.message ?? "" }] : []),
      });
    } else if (event.suite && event.nesting === 0) {
      // A describe that is not a task (e.g. "The whole trace"): it still counts.
      const leaves = children.filter((child) => !child.suite);
      checks.push({
        name: event.name,
        passed: event.type === "pass",
        failures: leaves.filter((child) => child.type === "fail").map((child) => ({ test: child.name, message: yoursExpected(timeoutMessage(child.name, event.name, child.message ?? "")) })),
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
  return { ok, tasks, checks, problem, output, lastReported };
}

/** The learner-facing part of an import-time error (our 🚨 message, or the first error line), not the stack. */
function loadProblem(output: string): string | undefined {
  const lines = output.split("\n");
  const ours = lines.findIndex((line) => line.includes("🚨"));
  // One copy of our message (node prints the error again inside the stack), paths from the repository root.
  if (ours >= 0) return lines.slice(ours, ours + 3).join("\n").trim().replace(/^\w*Error: /, "").replaceAll(`${ROOT}/`, "");
  const error = lines.find((line) => /^\w*Error\b|^SyntaxError|ERROR:|Transform failed/.test(line.trim()));
  return error?.trim();
}
