/**
 * Each lesson's tests against plausible learner solutions (see mutants.ts):
 * every wrong one fails the task it belongs to with a 🚨 message that names
 * the mistake, every different-but-correct one passes.
 * Run it alone for some lessons:
 *   WORKBOOK_SELFCHECK=05 node --import tsx --test shared/authoring/mutants.test.ts
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listLessons } from "../workbook/lessons.ts";
import { runLessonTests, type RunResult } from "../workbook/run-tests.ts";
import { mutantsFor, writeMutant } from "./mutants.ts";

const only = process.env.WORKBOOK_SELFCHECK?.split(",").map((id) => id.trim().padStart(2, "0"));
const CHILD_TIMEOUT_MS = 120_000;
const lessons = listLessons().filter((lesson) => !only || only.includes(lesson.id));

function summary(result: RunResult): string {
  if (result.problem) return `problem: ${result.problem}\n${result.output.slice(-1500)}`;
  const tasks = result.tasks.map((task) => `Task ${task.task} ${task.passed ? "passed" : `failed: ${task.failures[0]?.message.split("\n")[0] ?? ""}`}`);
  const checks = result.checks.map((check) => `${check.name} ${check.passed ? "passed" : `failed: ${check.failures[0]?.message.split("\n")[0] ?? ""}`}`);
  return [...tasks, ...checks].join("\n");
}

describe("lesson tests tell wrong solutions from right ones", { concurrency: 2 }, async () => {
  for (const lesson of lessons) {
    const mutants = await mutantsFor(lesson);
    if (mutants.length === 0) continue;
    describe(`lesson ${lesson.slug}`, { concurrency: 1 }, () => {
      mutants.forEach((mutant, index) => {
        const label = mutant.kind === "wrong" ? `wrong, Task ${mutant.task} must fail: ${mutant.why}` : `correct, must pass: ${mutant.why}`;
        it(label, async () => {
          const result = await runLessonTests(lesson, { target: { file: writeMutant(lesson, index, mutant) }, timeoutMs: CHILD_TIMEOUT_MS });
          if (mutant.kind === "correct") {
            assert.ok(result.ok, `🚨 a correct alternative is rejected (${mutant.why}):\n${summary(result)}`);
            return;
          }
          assert.equal(result.problem, undefined, `🚨 the wrong solution did not even load (${mutant.why}); make it a plausible one:\n${summary(result)}`);
          const task = result.tasks.find((entry) => entry.task === mutant.task);
          assert.ok(task, `🚨 no Task ${mutant.task} in ${lesson.slug}'s tests`);
          assert.equal(task.passed, false, `🚨 a wrong solution passes Task ${mutant.task} (${mutant.why}):\n${summary(result)}`);
          const messages = task.failures.map((failure) => failure.message).join("\n");
          assert.match(messages, /🚨/, `🚨 Task ${mutant.task} fails without a 🚨 line for the learner (${mutant.why}):\n${messages.slice(0, 1500)}`);
          if (mutant.mentions) assert.match(messages, mutant.mentions, `🚨 Task ${mutant.task}'s message does not name the mistake (${mutant.why}):\n${messages.slice(0, 1500)}`);
        });
      });
    });
  }
});
