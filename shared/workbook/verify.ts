/**
 * npm run verify -- 01                 lesson 01's tests against lessons/01-*.ts
 * npm run verify -- --solutions 01     the same tests against solutions/
 * npm run verify                       every lesson, with a progress table
 * Exit status 0 only when every task of every lesson asked for passes.
 */
import { isMain } from "./run-main.ts";
import { findLesson, listLessons, UnknownLessonError, type Lesson } from "./lessons.ts";
import { bold, dim, formatLessonResult, green, red } from "./report.ts";
import { rememberResult } from "./progress.ts";
import { runLessonTests, type RunResult } from "./run-tests.ts";

function usage(): never {
  console.error("usage: npm run verify -- [--solutions] [lesson number ...]   e.g. npm run verify -- 01");
  process.exit(2);
}

export async function verify(argv: string[]): Promise<number> {
  const flags = argv.filter((arg) => arg.startsWith("-"));
  const numbers = argv.filter((arg) => !arg.startsWith("-"));
  if (flags.some((flag) => flag !== "--solutions")) usage();
  const target = flags.includes("--solutions") ? "solutions" : "lessons";

  const all = listLessons();
  let chosen: Lesson[];
  try {
    chosen = numbers.length ? numbers.map((number) => findLesson(number, all)) : all;
  } catch (error) {
    if (error instanceof UnknownLessonError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }

  const results: [Lesson, RunResult][] = [];
  for (const lesson of chosen) {
    const result = await runLessonTests(lesson, { target });
    results.push([lesson, result]);
    // npm start reads this back instead of running the same tests again.
    if (target === "lessons") rememberResult(lesson, result);
    const file = target === "solutions" ? lesson.solutionPath : lesson.lessonPath;
    console.log(`${formatLessonResult(lesson, result, file)}\n`);
  }

  if (chosen.length > 1) console.log(progressTable(results));
  return results.every(([, result]) => result.ok) ? 0 : 1;
}

export function progressTable(results: [Lesson, RunResult][]): string {
  const rows = results.map(([lesson, result]) => {
    const done = result.tasks.filter((task) => task.passed).length;
    const total = result.tasks.length;
    const state = result.ok ? green("done") : result.problem ? red("error") : done ? "in progress" : dim("not started");
    const bar = total ? "■".repeat(done) + "□".repeat(total - done) : "";
    return `  ${lesson.id}  ${lesson.shortTitle.padEnd(20)}  ${bar.padEnd(8)} ${String(done)}/${total}  ${state}`;
  });
  const finished = results.filter(([, result]) => result.ok).length;
  return [bold("Progress"), ...rows, bold(`  ${finished}/${results.length} lessons done`)].join("\n");
}

if (isMain(import.meta.url)) process.exit(await verify(process.argv.slice(2)));
