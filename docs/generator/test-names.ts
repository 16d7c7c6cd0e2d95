/**
 * The tests of a lesson, by task, read from its test file's source:
 * `describe("Task 2: ...", () => { it("...") })`. Reading the names is enough
 * for a page that lists them, and costs nothing at build time (running the
 * tests is `npm run verify`'s job).
 */
import { TASK_TITLE } from "../../shared/workbook/run-tests.ts";

export interface TaskTests {
  task: number;
  title: string;
  tests: string[];
}

const CALL = /\b(describe|it|test)(?:\.(?:only|skip|todo))?\(\s*(["'`])((?:\\.|(?!\2)[^\\])*)\2/g;

export function testsByTask(source: string): TaskTests[] {
  const tasks: TaskTests[] = [];
  let current: TaskTests | undefined;
  for (const match of source.matchAll(CALL)) {
    const [, call, , raw = ""] = match;
    // A template literal's ${...} parts are only known at run time: show them as "…".
    const name = raw.replace(/\$\{[^}]*\}/g, "…").replace(/\\(.)/g, "$1");
    if (call === "describe") {
      const task = TASK_TITLE.exec(name);
      // A nested describe that is not a task keeps adding to the task around it.
      if (task) tasks.push((current = { task: Number(task[1]), title: task[2] ?? "", tests: [] }));
    } else if (current) {
      current.tests.push(name);
    }
  }
  return tasks.sort((a, b) => a.task - b.task);
}
