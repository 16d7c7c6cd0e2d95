/**
 * A lesson whose tasks all pass while a whole-lesson check (a describe that
 * is not "Task n") fails: start, verify and hint name the check and what it
 * asks, and never say "0 tasks open". The check is added to the copy's test
 * file only.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { cleanSolution } from "../authoring/derive.ts";
import { copyWorkbook, runCli, type Copy } from "./cli-fixture.ts";

let copy: Copy;
before(() => {
  copy = copyWorkbook(["01"]);
  writeFileSync(copy.path("lessons/01-setup.ts"), cleanSolution(readFileSync(copy.path("solutions/01-setup.ts"), "utf8")));
  appendFileSync(
    copy.path("lessons/01-setup.test.ts"),
    `\ndescribe("The whole trace (every task together)", () => {\n  it("has one root", () => {\n    assert.fail("🚨 the trace has two roots: start the second span inside the first");\n  });\n});\n`,
  );
});
after(() => copy.remove());

describe("every task passes, a whole-lesson check fails", { concurrency: 1 }, () => {
  it("verify names the check and what it asks", () => {
    const run = runCli(copy, "verify", ["01"]);
    assert.equal(run.status, 1, run.output);
    assert.match(run.stdout, /5\/5 tasks pass, but the whole-lesson check "The whole trace \(every task together\)" fails in "has one root": 🚨 the trace has two roots/);
    assert.doesNotMatch(run.stdout, /\(above\)/);
  });

  it("start names the check as the next step, not an open task", () => {
    const run = runCli(copy, "start");
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /every task passes, but the whole-lesson check "The whole trace \(every task together\)" fails in "has one root": 🚨 the trace has two roots/);
    assert.doesNotMatch(run.stdout, /first open task|0 tasks open/);
  });

  it("hint names the check instead of a task's hint", () => {
    const run = runCli(copy, "hint", ["01"]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /Every task of lesson 01 passes, but the lesson is not done:[\s\S]*"The whole trace \(every task together\)"[\s\S]*two roots/);
    assert.doesNotMatch(run.stdout, /Hint 1\/3/);
  });
});
