/**
 * The workbook checks itself, lesson by lesson (the solutions' own tests run
 * directly in `npm test`):
 *   - lessons/NN.ts is exactly the solution with every TODO undone (no drift);
 *   - untouched, the exercise runs, exits 0, and fails every task's tests;
 *   - with only TODO(n) undone, Task n fails and every other task passes, so
 *     each task's tests catch exactly the step they teach;
 *   - every failing test in those runs prints a 🚨 line for the learner, and
 *     what `npm run verify` prints for the untouched lesson shows no line of
 *     the solution's `#region TODO(n) solution` code (the answer appears
 *     once, in the last hint tier, not in a failure message);
 *   - the solution runs with `npx tsx` and exits 0.
 * Run it alone for some lessons:
 *   WORKBOOK_SELFCHECK=03 WORKBOOK_TARGET=solutions node --import tsx --test shared/workbook/selfcheck.test.ts
 * Exercises are derived into .pristine/, so a learner's edits to lessons/
 * never change what this checks.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { ROOT } from "../paths.ts";
import { formatLessonResult } from "../workbook/report.ts";
import { deriveExercise, findRegions, tasksIn } from "./derive.ts";
import { listLessons, type Lesson } from "../workbook/lessons.ts";
import { writeDerived } from "./pristine.ts";
import { runLessonTests, type RunResult } from "../workbook/run-tests.ts";

// WORKBOOK_SELFCHECK=03 (or 03,05) checks only those lessons: handy while writing one.
const only = process.env.WORKBOOK_SELFCHECK?.split(",").map((id) => id.trim().padStart(2, "0"));
// Generous: on a loaded 2-core machine one lesson's tests can take 10+ s; a hang still ends.
const CHILD_TIMEOUT_MS = 120_000;
const lessons = listLessons().filter((lesson) => !only || only.includes(lesson.id));

// The untouched run serves two checks; run it once per lesson.
const untouchedRuns = new Map<string, Promise<RunResult>>();
function untouchedRun(lesson: Lesson, file: string): Promise<RunResult> {
  let run = untouchedRuns.get(lesson.slug);
  if (!run) untouchedRuns.set(lesson.slug, (run = runLessonTests(lesson, { target: { file }, timeoutMs: CHILD_TIMEOUT_MS })));
  return run;
}

/** Failing tests whose message has no 🚨 line: the learner would get only node's own words. */
function withoutSiren(result: RunResult): string[] {
  const failures = [
    ...result.tasks.flatMap((task) => task.failures.map((failure) => ({ where: `Task ${task.task}`, ...failure }))),
    ...result.checks.flatMap((check) => check.failures.map((failure) => ({ where: check.name, ...failure }))),
  ];
  return failures.filter((failure) => !failure.message.includes("🚨")).map((failure) => `${failure.where} › ${failure.test}: ${failure.message.split("\n")[0]?.slice(0, 160)}`);
}

/**
 * The lines of the solution's TODO(n) solution regions worth looking for:
 * code (not a comment, not only braces) longer than 15 characters.
 */
export function answerLines(solution: string): string[] {
  const lines = solution.split("\n");
  return findRegions(solution)
    .filter((region) => region.kind === "solution")
    .flatMap((region) => lines.slice(region.start + 1, region.end))
    .map((line) => line.trim())
    .filter((line) => line.length > 15 && !/^(\/\/|\/\*|\*)/.test(line) && /[A-Za-z0-9]/.test(line.replace(/[{}()[\];,]/g, "")));
}

function summary(result: RunResult): string {
  if (result.problem) return `problem: ${result.problem}\n${result.output.slice(-1500)}`;
  return result.tasks
    .map((task) => `Task ${task.task} ${task.passed ? "passed" : `failed: ${task.failures[0]?.message.split("\n")[0] ?? ""}`}`)
    .join("\n");
}

/** The file as committed (git HEAD), or undefined outside a git checkout. */
function committedVersion(path: string): string | undefined {
  try {
    return execFileSync("git", ["show", `HEAD:${relative(ROOT, path)}`], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 16 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

function runFile(path: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", relative(ROOT, path)], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: CHILD_TIMEOUT_MS,
    env: { ...process.env, OTEL_TRACES_EXPORTER: "tree", NO_COLOR: "1", WORKBOOK_TARGET: undefined },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("every lesson keeps the workbook contract", { concurrency: 2 }, () => {
  it("found the lessons", () => assert.ok(lessons.length > 0, "🚨 no lessons found under solutions/ with a test file in lessons/"));

  for (const lesson of lessons) {
    const solution = readFileSync(lesson.solutionPath, "utf8");
    const tasks = tasksIn(solution);

    describe(`lesson ${lesson.slug}`, { concurrency: 1 }, () => {
      it("teaches at least one task with TODO regions", () => assert.ok(tasks.length > 0, `🚨 ${lesson.slug}: no "// #region TODO(n) solution" markers`));

      it("lessons/ holds the solution with every TODO undone (no drift)", (t) => {
        // What is checked is the lesson as shipped: the working file, or, when a
        // learner has edited it, the committed one (their edits are not drift).
        const derived = deriveExercise(solution);
        if (readFileSync(lesson.lessonPath, "utf8") === derived) return;
        if (committedVersion(lesson.lessonPath) === derived) return t.skip("the lesson file holds your own edits; the committed version matches its solution");
        assert.fail(`🚨 ${relative(ROOT, lesson.lessonPath)} differs from its solution with the TODOs undone. Run: npm run lessons:build`);
      });

      it("untouched, the exercise runs and exits 0", () => {
        const run = runFile(writeDerived(lesson, "all"));
        assert.equal(run.status, 0, `🚨 untouched exercise exited ${run.status}:\n${run.output.slice(-2000)}`);
      });

      it("untouched, every task's tests fail", async () => {
        const result = await untouchedRun(lesson, writeDerived(lesson, "all"));
        assert.equal(result.problem, undefined, summary(result));
        assert.deepEqual(result.tasks.map((task) => task.task), tasks, `🚨 the test file's "Task N" describes should match the solution's TODOs ${tasks.join(", ")}`);
        const passing = result.tasks.filter((task) => task.passed).map((task) => task.task);
        assert.deepEqual(passing, [], `🚨 untouched, these tasks already pass: ${passing.join(", ")}\n${summary(result)}`);
        const silent = withoutSiren(result);
        assert.deepEqual(silent, [], `🚨 untouched, these failing tests print no 🚨 line for the learner:\n${silent.join("\n")}`);
      });

      it("untouched, npm run verify shows no line of the solution's code", async () => {
        const file = writeDerived(lesson, "all");
        const result = await untouchedRun(lesson, file);
        const printed = formatLessonResult(lesson, result, file);
        const leaked = answerLines(solution).filter((line) => printed.includes(line));
        assert.deepEqual(leaked, [], `🚨 verify's output for the untouched lesson prints the answer (lines of a TODO(n) solution region): name the symptom and the API instead:\n${leaked.join("\n")}`);
      });

      for (const task of tasks) {
        it(`with only TODO(${task}) undone, exactly Task ${task} fails`, async () => {
          const result = await runLessonTests(lesson, { target: { file: writeDerived(lesson, [task]) }, timeoutMs: CHILD_TIMEOUT_MS });
          assert.equal(result.problem, undefined, summary(result));
          const failing = result.tasks.filter((entry) => !entry.passed).map((entry) => entry.task);
          assert.deepEqual(failing, [task], `🚨 undoing TODO(${task}) should fail Task ${task} alone:\n${summary(result)}`);
          const silent = withoutSiren(result);
          assert.deepEqual(silent, [], `🚨 with TODO(${task}) undone, these failing tests print no 🚨 line for the learner:\n${silent.join("\n")}`);
        });
      }

      it("the solution runs and exits 0", () => {
        const run = runFile(lesson.solutionPath);
        assert.equal(run.status, 0, `🚨 solution exited ${run.status}:\n${run.output.slice(-2000)}`);
      });
    });
  }
});

describe("the tests run against the right files", () => {
  it("solution tests get WORKBOOK_TARGET=solutions from npm test", () => {
    assert.equal(process.env.WORKBOOK_TARGET, "solutions", "🚨 run the suite through `npm test`, which points lesson tests at solutions/");
  });
});
