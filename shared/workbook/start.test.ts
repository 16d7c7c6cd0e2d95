import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { copyWorkbook, processesIn, runCli, type Copy } from "./cli-fixture.ts";
import { cleanSolution, deriveExercise } from "../authoring/derive.ts";

const LESSON = "lessons/01-setup.ts";
const solved = () => cleanSolution(readFileSync(copy.path("solutions/01-setup.ts"), "utf8"));
let copy: Copy;
before(() => (copy = copyWorkbook(["01"])));
after(() => copy.remove());

describe("npm start", { concurrency: 1 }, () => {
  it("on a fresh clone, with no terminal, names lesson 01 and 0/N without running any test", () => {
    const run = runCli(copy, "start");
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /0\/1 lessons done/);
    assert.match(run.stdout, /Next: lesson 01/);
    assert.match(run.stdout, /first open task: Task 1/);
    assert.match(run.stdout, /npm run verify -- 01/);
    assert.match(run.stdout, /npm run watch -- 01/);
    assert.match(run.stdout, /npm run diff -- 01 --yes \(not started yet, so this is the whole solution/);
    assert.ok(!existsSync(copy.path(".workbook/progress.json")), "🚨 an untouched lesson should be 'not started' without running its tests");
  });

  it("derives done from the tests, remembers it, and re-runs when the file changes", () => {
    writeFileSync(copy.path(LESSON), solved());
    const first = runCli(copy, "start");
    assert.equal(first.status, 0, first.output);
    assert.match(first.stdout, /1\/1 lessons done/);
    assert.match(first.stdout, /Every lesson is done/);

    // Prove the second run reads the cache: doctor the remembered result.
    const cachePath = copy.path(".workbook/progress.json");
    const cache = JSON.parse(readFileSync(cachePath, "utf8"));
    cache["01-setup"].tasks[0].title = "REMEMBERED";
    writeFileSync(cachePath, JSON.stringify(cache));
    assert.match(runCli(copy, "start").stdout, /1\/1 lessons done/);

    // Any change to the learner's file changes the key: the tests run again.
    writeFileSync(copy.path(LESSON), `${solved()}\n// my note\n`);
    const third = runCli(copy, "start");
    assert.match(third.stdout, /1\/1 lessons done/);
    assert.doesNotMatch(readFileSync(cachePath, "utf8"), /REMEMBERED/);
  });

  it("picks up a lesson added later (a git pull) as not started, and names it next", () => {
    writeFileSync(copy.path(LESSON), solved());
    for (const [from, to] of [["solutions/01-setup.ts", "solutions/99-pulled.ts"], ["lessons/01-setup.test.ts", "lessons/99-pulled.test.ts"], ["lessons/01-setup.md", "lessons/99-pulled.md"]] as const) {
      writeFileSync(copy.path(to), readFileSync(copy.path(from), "utf8").replace(/^# .*/m, "# Pulled later"));
    }
    writeFileSync(copy.path("lessons/99-pulled.ts"), deriveExercise(readFileSync(copy.path("solutions/99-pulled.ts"), "utf8")));
    const run = runCli(copy, "start");
    for (const file of ["solutions/99-pulled.ts", "lessons/99-pulled.test.ts", "lessons/99-pulled.md", "lessons/99-pulled.ts"]) rmSync(copy.path(file));
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /1\/2 lessons done/);
    assert.match(run.stdout, /99 {2}Pulled later .* not started/);
    assert.match(run.stdout, /Next: lesson 99 · Pulled later/);
  });

  it("reports a lesson that does not compile, and exits 0", () => {
    writeFileSync(copy.path(LESSON), "export const broken: = ;\n");
    const run = runCli(copy, "start");
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /01 .* problem/);
    assert.match(run.stdout, /🚨/);
  });

  it("reports a lesson that hangs, stops it, and leaves no process behind", () => {
    writeFileSync(copy.path(LESSON), "setInterval(() => {}, 1000);\nawait new Promise(() => {});\n");
    const run = runCli(copy, "start", [], { WORKBOOK_TEST_TIMEOUT_MS: "3000" });
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /did not finish within 3 s/);
    assert.deepEqual(processesIn(copy), []);
  });

  it("says how to get a missing lesson file back", () => {
    rmSync(copy.path(LESSON));
    const run = runCli(copy, "start");
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /01 .* missing/);
    assert.match(run.stdout, /npm run reset -- 01/);
  });

  it("rejects arguments it does not know", () => {
    const run = runCli(copy, "start", ["--what"]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /usage: npm start/);
  });
});
