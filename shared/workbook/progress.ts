/**
 * Where the learner stands, lesson by lesson, derived from the tests (there
 * is no checklist to tick). Results are remembered in .workbook/progress.json
 * only for speed, under a hash of everything that decides them: the learner's
 * file, the test file, the solution, the shared kit and Node's version. After
 * a `git pull` that adds or changes lessons the hash differs and the tests
 * run again. A lesson still equal to its starting version is "not started"
 * without running anything, so a fresh clone answers at once.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.ts";
import { missingFileMessage, readState, writeState } from "./cli.ts";
import { tasksIn } from "../authoring/derive.ts";
import { readLessonText } from "./lesson-text.ts";
import { missingSolutionMessage, type Lesson } from "./lessons.ts";
import { pristineSource } from "../authoring/pristine.ts";
import { runLessonTests, type RunResult } from "./run-tests.ts";

export type LessonState = "not started" | "in progress" | "done" | "problem" | "missing";

export interface TaskStatus {
  task: number;
  title: string;
  passed: boolean;
}

export interface LessonStatus {
  lesson: Lesson;
  state: LessonState;
  tasks: TaskStatus[];
  /** Why the tests could not say (compile error, hang, missing file). */
  problem?: string;
  /** Whole-lesson checks (describes that are not a task) that fail, with their first message. */
  failingChecks: FailingCheck[];
  /** The full test result, when the tests ran just now. */
  result?: RunResult;
}

export interface FailingCheck {
  name: string;
  failures: { test: string; message: string }[];
}

interface CacheEntry {
  key: string;
  ok: boolean;
  tasks: TaskStatus[];
  problem?: string;
  failingChecks?: FailingCheck[];
}
type Cache = Record<string, CacheEntry>;
const CACHE_FILE = "progress.json";

/** The lesson's tasks as the text names them (falling back to the solution's TODO numbers). */
export function lessonTasks(lesson: Lesson): { task: number; title: string }[] {
  const titles = new Map(readLessonText(lesson).map((text) => [text.task, text.title]));
  if (!existsSync(lesson.solutionPath)) return [...titles].map(([task, title]) => ({ task, title }));
  return tasksIn(readFileSync(lesson.solutionPath, "utf8")).map((task) => ({ task, title: titles.get(task) ?? "" }));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

let kitHash: string | undefined;
/** The shared kit (everything under shared/) and the installed dependencies' lock file. */
function sharedKitHash(): string {
  if (kitHash) return kitHash;
  const hash = createHash("sha256");
  for (const path of [...filesUnder(join(ROOT, "shared")), join(ROOT, "package-lock.json")]) {
    if (!existsSync(path)) continue;
    hash.update(path.slice(ROOT.length)).update("\0").update(readFileSync(path)).update("\0");
  }
  return (kitHash = hash.digest("hex"));
}

export function cacheKey(lesson: Lesson): string {
  const hash = createHash("sha256");
  for (const path of [lesson.lessonPath, lesson.testPath, lesson.solutionPath]) {
    hash.update(existsSync(path) ? readFileSync(path) : "(missing)").update("\0");
  }
  return hash.update(sharedKitHash()).update(process.version).digest("hex");
}

/** Saves a fresh result of the learner's file (verify and watch call this too). */
export function rememberResult(lesson: Lesson, result: RunResult): void {
  if (result.timedOut) return; // a slow moment is not a fact about the file
  const cache = readState<Cache>(CACHE_FILE, {});
  cache[lesson.slug] = { key: cacheKey(lesson), ok: result.ok, tasks: tasksOf(lesson, result), problem: result.problem, failingChecks: checksOf(result) };
  writeState(CACHE_FILE, cache);
}

function tasksOf(lesson: Lesson, result: RunResult): TaskStatus[] {
  const titles = new Map(lessonTasks(lesson).map((task) => [task.task, task.title]));
  return result.tasks.map((task) => ({ task: task.task, title: titles.get(task.task) || task.title, passed: task.passed }));
}

function checksOf(result: RunResult): FailingCheck[] {
  return (result.checks ?? []).filter((check) => !check.passed).map((check) => ({ name: check.name, failures: check.failures.slice(0, 1) }));
}

function stateOf(ok: boolean, problem: string | undefined): LessonState {
  return problem ? "problem" : ok ? "done" : "in progress";
}

export function isUntouched(lesson: Lesson): boolean {
  return existsSync(lesson.lessonPath) && existsSync(lesson.solutionPath) && readFileSync(lesson.lessonPath, "utf8") === pristineSource(lesson);
}

export interface StatusOptions {
  /** Ignore remembered results and run the tests. */
  fresh?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function lessonStatus(lesson: Lesson, options: StatusOptions = {}): Promise<LessonStatus> {
  if (!existsSync(lesson.lessonPath)) {
    return { lesson, state: "missing", tasks: lessonTasks(lesson).map((task) => ({ ...task, passed: false })), problem: missingFileMessage(lesson), failingChecks: [] };
  }
  const noSolution = missingSolutionMessage(lesson);
  if (noSolution) return { lesson, state: "problem", tasks: lessonTasks(lesson).map((task) => ({ ...task, passed: false })), problem: noSolution, failingChecks: [] };
  if (isUntouched(lesson)) return { lesson, state: "not started", tasks: lessonTasks(lesson).map((task) => ({ ...task, passed: false })), failingChecks: [] };

  const cached = readState<Cache>(CACHE_FILE, {})[lesson.slug];
  if (!options.fresh && cached && cached.key === cacheKey(lesson)) {
    return { lesson, state: stateOf(cached.ok, cached.problem), tasks: cached.tasks, problem: cached.problem, failingChecks: cached.failingChecks ?? [] };
  }
  const result = await runLessonTests(lesson, { timeoutMs: options.timeoutMs, signal: options.signal });
  if (!options.signal?.aborted) rememberResult(lesson, result);
  const tasks = result.problem ? lessonTasks(lesson).map((task) => ({ ...task, passed: false })) : tasksOf(lesson, result);
  return { lesson, state: stateOf(result.ok, result.problem), tasks, problem: result.problem, failingChecks: checksOf(result), result };
}

/** Every lesson's status, a few test runs at a time (each is its own process). */
export async function allStatuses(lessons: Lesson[], options: StatusOptions = {}, concurrency = 3): Promise<LessonStatus[]> {
  const statuses: LessonStatus[] = new Array(lessons.length);
  let next = 0;
  const worker = async () => {
    while (next < lessons.length) {
      const index = next++;
      statuses[index] = await lessonStatus(lessons[index]!, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lessons.length) }, worker));
  return statuses;
}

/** The lesson to work on: the first one not done, or, given the current one, the next not done after it (wrapping round). */
export function nextLesson(statuses: LessonStatus[], after?: Lesson): LessonStatus | undefined {
  const start = after ? statuses.findIndex((status) => status.lesson.slug === after.slug) + 1 : 0;
  const ordered = [...statuses.slice(start), ...statuses.slice(0, start)];
  return ordered.find((status) => status.state !== "done");
}

export function firstOpenTask(status: LessonStatus): TaskStatus | undefined {
  return status.tasks.find((task) => !task.passed);
}
