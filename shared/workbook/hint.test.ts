import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.ts";
import { copyWorkbook, runCli, type Copy } from "./cli-fixture.ts";
import { deriveExercise } from "../authoring/derive.ts";
import { parseLessonText } from "./lesson-text.ts";

describe("parseLessonText", () => {
  it("finds every task of lesson 01 with its three tiers", () => {
    const tasks = parseLessonText(readFileSync(join(ROOT, "lessons/01-setup.md"), "utf8"));
    assert.deepEqual(tasks.map((task) => task.task), [1, 2, 3, 4, 5]);
    assert.equal(tasks[0]?.title, "build the resource");
    for (const task of tasks) assert.equal(task.hints.length, 3, `Task ${task.task}`);
  });

  it("keeps a hint that wraps, and ignores sections after the tasks", () => {
    const text = "# T\n## Task 2: two\n<details>\n<summary>Hints</summary>\n\n1. first\n   continued\n2. second\n\n</details>\n## When you are done\n1. not a hint\n";
    assert.deepEqual(parseLessonText(text), [{ task: 2, title: "two", hints: ["first\ncontinued", "second"] }]);
  });

  it("keeps the relative indentation (and blank lines) of code inside a hint, dropping only the list item's own", () => {
    const text = [
      "## Task 1: one", "<details>", "<summary>Hints</summary>", "",
      "1. a nudge", "2. the API", "3. ```ts", "   try {", "     work();", "", "   } finally {", "     span.end();", "   }", "   ```", "",
      "</details>",
    ].join("\n");
    const [task] = parseLessonText(text);
    assert.equal(
      task?.hints[2],
      "```ts\ntry {\n  work();\n\n} finally {\n  span.end();\n}\n```",
      `🚨 the code in the last hint lost its shape: ${JSON.stringify(task?.hints[2])}`,
    );
  });
});

describe("npm run hint", { concurrency: 1 }, () => {
  let copy: Copy;
  before(() => (copy = copyWorkbook(["01"])));
  after(() => copy.remove());
  beforeEach(() => rmSync(copy.path(".workbook"), { recursive: true, force: true }));

  it("shows one more tier each time, never all at once, and starts over with --reset", () => {
    const first = runCli(copy, "hint", ["01"]);
    assert.equal(first.status, 0, first.output);
    assert.match(first.stdout, /Task 1: build the resource/);
    assert.match(first.stdout, /Hint 1\/3/);
    assert.doesNotMatch(first.stdout, /Hint 2\/3/);

    const second = runCli(copy, "hint", ["01"]).stdout;
    assert.match(second, /Hint 2\/3/);
    assert.doesNotMatch(second, /Hint 3\/3/);
    assert.match(runCli(copy, "hint", ["01"]).stdout, /Hint 3\/3[\s\S]*last hint/);
    assert.match(runCli(copy, "hint", ["01"]).stdout, /That was the last hint/);

    assert.equal(runCli(copy, "hint", ["01", "--reset"]).status, 0);
    assert.doesNotMatch(runCli(copy, "hint", ["01"]).stdout, /Hint 2\/3/);
  });

  it("remembers tiers per task, and takes a task number", () => {
    runCli(copy, "hint", ["01"]);
    const task3 = runCli(copy, "hint", ["01", "3"]);
    assert.match(task3.stdout, /Task 3: register the globals/);
    assert.match(task3.stdout, /Hint 1\/3/);
    assert.doesNotMatch(task3.stdout, /Hint 2\/3/);
  });

  it("picks the first task whose tests fail", () => {
    const solution = readFileSync(copy.path("solutions/01-setup.ts"), "utf8");
    writeFileSync(copy.path("lessons/01-setup.ts"), deriveExercise(solution, [2, 3, 4, 5]));
    const run = runCli(copy, "hint", ["01"]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /Task 2: create the tracer provider/);
    writeFileSync(copy.path("lessons/01-setup.ts"), deriveExercise(solution));
  });

  it("falls back to the first task when the file does not compile", () => {
    const original = readFileSync(copy.path("lessons/01-setup.ts"), "utf8");
    writeFileSync(copy.path("lessons/01-setup.ts"), "export const broken: = ;\n");
    const run = runCli(copy, "hint", ["01"]);
    writeFileSync(copy.path("lessons/01-setup.ts"), original);
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /could not be loaded/);
    assert.match(run.stdout, /Task 1: build the resource/);
  });

  it("explains bad input", () => {
    const unknown = runCli(copy, "hint", ["99"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /there is no lesson "99"[\s\S]*01 {2}Setup/);
    const task = runCli(copy, "hint", ["01", "9"]);
    assert.equal(task.status, 2);
    assert.match(task.stderr, /no task "9"/);
    assert.equal(runCli(copy, "hint").status, 2);
  });

  it("says so when the lesson text is missing", () => {
    const text = readFileSync(copy.path("lessons/01-setup.md"), "utf8");
    rmSync(copy.path("lessons/01-setup.md"));
    const run = runCli(copy, "hint", ["01"]);
    writeFileSync(copy.path("lessons/01-setup.md"), text);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /01-setup\.md is missing/);
  });
});
