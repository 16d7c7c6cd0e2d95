/**
 * The workbook checks itself, lesson by lesson (the solutions' own tests run
 * directly in `npm test`):
 *   - lessons/NN.ts is exactly the solution with every TODO undone (no drift);
 *   - untouched, the exercise runs, exits 0, and fails every task's tests;
 *   - with only TODO(n) undone, Task n fails and every other task passes, so
 *     each task's tests catch exactly the step they teach;
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
import { deriveExercise, tasksIn } from "./derive.ts";
import { listLessons, type Lesson } from "../workbook/lessons.ts";
import { writeDerived } from "./pristine.ts";
import { runLessonTests, type RunResult } from "../workbook/run-tests.ts";

// WORKBOOK_SELFCHECK=03 (or 03,05) checks only those lessons: handy while writing one.
const only = process.env.WORKBOOK_SELFCHECK?.split(",").map((id) => id.trim().padStart(2, "0"));
// Generous: on a loaded 2-core machine one lesson's tests can take 10+ s; a hang still ends.
const CHILD_TIMEOUT_MS = 120_000;
const lessons = listLessons().filter((lesson) => !only || only.includes(lesson.id));

function summary(result: RunResult): string {
  if (result.problem) return `problem: ${result.problem}\n${result.output.slice(-1500)}`;
  return result.tasks
    .map((task) => `Task ${task.task} ${task.passed ? "passed" : `failed: ${task.failures[0]?.message.split("\n")[0] ?? ""}`}`)
    .join("\n");
}

/** Has the learner changed this file since it was checked out? Then a mismatch is their work, not drift. */
function editedByLearner(path: string): boolean {
  if (process.env.CI) return false;
  try {
    execFileSync("git", ["diff", "--quiet", "HEAD", "--", path], { cwd: ROOT, stdio: "ignore" });
    return false;
  } catch {
    return true;
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
        const shipped = readFileSync(lesson.lessonPath, "utf8");
        if (shipped === deriveExercise(solution)) return;
        if (editedByLearner(lesson.lessonPath)) return t.skip("the lesson file holds your own edits");
        assert.fail(`🚨 ${relative(ROOT, lesson.lessonPath)} differs from its solution with the TODOs undone. Run: npm run lessons:build`);
      });

      it("untouched, the exercise runs and exits 0", () => {
        const run = runFile(writeDerived(lesson, "all"));
        assert.equal(run.status, 0, `🚨 untouched exercise exited ${run.status}:\n${run.output.slice(-2000)}`);
      });

      it("untouched, every task's tests fail", async () => {
        const result = await runLessonTests(lesson, { target: { file: writeDerived(lesson, "all") }, timeoutMs: CHILD_TIMEOUT_MS });
        assert.equal(result.problem, undefined, summary(result));
        assert.deepEqual(result.tasks.map((task) => task.task), tasks, `🚨 the test file's "Task N" describes should match the solution's TODOs ${tasks.join(", ")}`);
        const passing = result.tasks.filter((task) => task.passed).map((task) => task.task);
        assert.deepEqual(passing, [], `🚨 untouched, these tasks already pass: ${passing.join(", ")}\n${summary(result)}`);
      });

      for (const task of tasks) {
        it(`with only TODO(${task}) undone, exactly Task ${task} fails`, async () => {
          const result = await runLessonTests(lesson, { target: { file: writeDerived(lesson, [task]) }, timeoutMs: CHILD_TIMEOUT_MS });
          assert.equal(result.problem, undefined, summary(result));
          const failing = result.tasks.filter((entry) => !entry.passed).map((entry) => entry.task);
          assert.deepEqual(failing, [task], `🚨 undoing TODO(${task}) should fail Task ${task} alone:\n${summary(result)}`);
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
