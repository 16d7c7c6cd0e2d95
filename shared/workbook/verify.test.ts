/**
 * npm run verify on a learner's lesson, in a throw-away copy: what it says
 * when the file has a type error, does not parse, ends the test process,
 * hangs, or fails an assertion.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { cleanSolution, deriveExercise } from "../authoring/derive.ts";
import { copyWorkbook, processesIn, runCli, startCli, waitUntil, type Copy } from "./cli-fixture.ts";
import { yoursExpected } from "./run-tests.ts";

const LESSON = "lessons/01-setup.ts";
let copy: Copy;
let solution: string;
before(() => {
  copy = copyWorkbook(["01"]);
  solution = readFileSync(copy.path("solutions/01-setup.ts"), "utf8");
});
after(() => copy.remove());

/** The solved lesson with one edit. */
function solvedWith(find: string, replace: string): string {
  const solved = cleanSolution(solution);
  assert.ok(solved.includes(find), `the solution no longer contains ${find}`);
  return solved.replace(find, replace);
}

describe("npm run verify", { concurrency: 1 }, () => {
  it("names a type error in the learner's file (file:line, message) and fails, though tsx runs it and every task passes", () => {
    writeFileSync(copy.path(LESSON), `${cleanSolution(solution)}\nexport const count: number = "three";\n`);
    const line = cleanSolution(solution).split("\n").length + 1;
    const run = runCli(copy, "verify", ["01"]);
    assert.equal(run.status, 1, run.output);
    assert.match(run.stdout, /✓ Task 5/);
    assert.match(run.stdout, new RegExp(`lessons/01-setup\\.ts:${line}:\\d+ +TS2322: Type 'string' is not assignable to type 'number'`));
  });

  it("prints a syntax error once, with its file and line", () => {
    writeFileSync(copy.path(LESSON), "export const broken: = ;\n");
    const run = runCli(copy, "verify", ["01"]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout.split("Unexpected \"=\"").length - 1, 1, run.stdout);
    assert.match(run.stdout, /lessons\/01-setup\.ts:1:\d+/);
  });

  it("says the lesson ended the test process when it calls process.exit(0) at import", () => {
    writeFileSync(copy.path(LESSON), `process.exit(0);\n${deriveExercise(solution)}`);
    const run = runCli(copy, "verify", ["01"]);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /the test process ended \(exit status 0\) before Tasks 1, 2, 3, 4, 5 reported/);
    assert.match(run.stdout, /process\.exit\(\)/);
    assert.doesNotMatch(run.stdout, /\(above\)/);
  });

  it("names the test, its task, the limit and the likely causes when a test never finishes", () => {
    writeFileSync(copy.path(LESSON), solvedWith("export async function greetUser(userId: string): Promise<string> {", "export async function greetUser(userId: string): Promise<string> {\n  await new Promise((resolve) => setTimeout(resolve, 600_000));"));
    const run = runCli(copy, "verify", ["01"], { WORKBOOK_TEST_TIMEOUT_MS: "60000", WORKBOOK_TEST_STALL_MS: "3000" });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /🚨 ".+" \(Task 4: [^)]+\) did not finish within 3 s and was stopped/);
    assert.match(run.stdout, /endless loop, a promise that never settles .* server, socket or timer left open/);
    assert.deepEqual(processesIn(copy), []);
  });

  it("names where an endless loop stopped the run, and the limit", () => {
    writeFileSync(copy.path(LESSON), solvedWith("export async function greetUser(userId: string): Promise<string> {", "export async function greetUser(userId: string): Promise<string> {\n  for (;;) {}"));
    const run = runCli(copy, "verify", ["01"], { WORKBOOK_TEST_TIMEOUT_MS: "6000" });
    assert.equal(run.status, 1);
    // Depending on timing, the per-test limit (3 s) or the whole run's (6 s) stops it; both name where it was.
    // Node 24 may have reported only the task's describe as started when the loop blocks the reports.
    assert.match(
      run.stdout,
      /did not finish within 6 s and were stopped\. The last test to report was ".+" \(Task 3: [^)]+\)|(".+" \(Task [34]: [^)]+\)|"Task [34]: [^"]+") did not finish within 3 s and was stopped[\s\S]*next one in the file/,
    );
    assert.match(run.stdout, /endless loop/);
    assert.deepEqual(processesIn(copy), []);
  });

  it("on SIGHUP (a closed terminal) stops the hanging lesson's tests with it and exits", async () => {
    writeFileSync(copy.path(LESSON), "setInterval(() => {}, 1000);\nawait new Promise(() => {});\n");
    const verify = startCli(copy, "verify", ["01"]);
    try {
      await waitUntil(() => processesIn(copy).length >= 2, 60_000); // the CLI and its test process
      verify.child.kill("SIGHUP");
      assert.equal(await verify.exited, 129);
      await waitUntil(() => processesIn(copy).length === 0, 10_000);
    } finally {
      verify.child.kill("SIGKILL");
    }
    assert.deepEqual(processesIn(copy), []);
  });

  it("says clearly when the lesson deleted its own solution file, without a stack", () => {
    writeFileSync(copy.path(LESSON), `import { rmSync } from "node:fs";\nrmSync(new URL("../solutions/01-setup.ts", import.meta.url), { force: true });\n${deriveExercise(solution)}`);
    const first = runCli(copy, "verify", ["01"]);
    const again = runCli(copy, "verify", ["01"]);
    writeFileSync(copy.path("solutions/01-setup.ts"), solution);
    writeFileSync(copy.path(LESSON), deriveExercise(solution));
    for (const run of [first, again]) {
      assert.equal(run.status, 1, run.output);
      assert.match(run.stdout, /🚨 solutions\/01-setup\.ts is missing[\s\S]*git checkout -- solutions\/01-setup\.ts/);
      assert.doesNotMatch(run.output, /ENOENT|\n\s+at /);
    }
  });

  it("labels an assertion's diff in words, with the same signs as npm run diff", () => {
    writeFileSync(copy.path(LESSON), deriveExercise(solution));
    const run = runCli(copy, "verify", ["01"]);
    assert.equal(run.status, 1);
    assert.doesNotMatch(run.stdout, /\+ actual - expected/);
    assert.match(run.stdout, /- yours \+ expected|yours: .*, expected: /);
  });

  it("rejects an option it does not know", () => {
    const run = runCli(copy, "verify", ["--solution", "01"]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /Unknown option '--solution'[\s\S]*usage: npm run verify/);
  });
});

describe("yoursExpected", () => {
  it("turns node's + actual - expected into - yours + expected", () => {
    assert.equal(yoursExpected("🚨 x\n+ actual - expected\n\n+ 1\n- 2"), "🚨 x\n- yours + expected\n\n- 1\n+ 2");
    assert.equal(yoursExpected("🚨 x\n\n0 !== 1\n"), "🚨 x\n\nyours: 0, expected: 1");
    assert.equal(yoursExpected("🚨 plain"), "🚨 plain");
  });
});
