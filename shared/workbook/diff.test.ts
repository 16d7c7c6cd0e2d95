import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { copyWorkbook, runCli, type Copy } from "./cli-fixture.ts";
import { cleanSolution, deriveExercise } from "../authoring/derive.ts";

const LESSON = "lessons/01-setup.ts";
let copy: Copy;
let solution: string;
before(() => {
  copy = copyWorkbook(["01"]);
  solution = readFileSync(copy.path("solutions/01-setup.ts"), "utf8");
});
after(() => copy.remove());

describe("npm run diff", { concurrency: 1 }, () => {
  it("will not show a lesson not started (the whole solution) without --yes when nobody can answer", () => {
    writeFileSync(copy.path(LESSON), deriveExercise(solution));
    const run = runCli(copy, "diff", ["01"]);
    assert.equal(run.status, 1, run.output);
    assert.match(run.stderr, /not started yet, so its diff is the whole solution[\s\S]*npm run diff -- 01 --yes/);
    assert.doesNotMatch(run.stdout, /defaultResource/);
  });

  it("shows the untouched lesson against the solution as a unified diff with --yes, plain without a terminal", () => {
    writeFileSync(copy.path(LESSON), deriveExercise(solution));
    const run = runCli(copy, "diff", ["01", "--yes"]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /^--- lessons\/01-setup\.ts/m);
    assert.match(run.stdout, /^\+\+\+ solutions\/01-setup\.ts/m);
    assert.match(run.stdout, /^-\s+return resourceFromAttributes\(\{ \[ATTR_SERVICE_NAME\]: serviceName \}\);/m);
    assert.match(run.stdout, /^\+\s+return defaultResource\(\)\.merge\(/m);
    assert.doesNotMatch(run.stdout, /#region/, "the solution side should read as finished code, without markers");
    assert.doesNotMatch(run.stdout, /\x1b\[/);
    assert.match(run.stdout, /"-" lines are yours, "\+" lines are what the solution expects/);
  });

  it("colours the diff when asked (FORCE_COLOR, as at a terminal)", () => {
    const run = runCli(copy, "diff", ["01", "--yes"], { FORCE_COLOR: "1", NO_COLOR: "" });
    assert.match(run.stdout, /\x1b\[32m\+/);
  });

  it("says when the file is the solution", () => {
    writeFileSync(copy.path(LESSON), cleanSolution(solution));
    const run = runCli(copy, "diff", ["01"]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /exactly the solution/);
  });

  it("still diffs a file that does not compile", () => {
    writeFileSync(copy.path(LESSON), "export const broken: = ;\n");
    const run = runCli(copy, "diff", ["01"]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /^-export const broken: = ;/m);
  });

  it("explains a missing file and an unknown lesson", () => {
    rmSync(copy.path(LESSON));
    const missing = runCli(copy, "diff", ["01"]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /missing[\s\S]*npm run reset -- 01/);
    const unknown = runCli(copy, "diff", ["7"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /there is no lesson "7"/);
    assert.equal(runCli(copy, "diff").status, 2);
  });
});
