/**
 * npm run verify -- 01                 lesson 01's tests against lessons/01-*.ts, and its types
 * npm run verify -- --solutions 01     the same tests against solutions/
 * npm run verify                       every lesson, with a progress table
 * Exit status 0 only when every task of every lesson asked for passes and,
 * for your own files, TypeScript finds no type error.
 */
import { stopChildrenOnSignals } from "./child-process.ts";
import { EXIT, parseCommand } from "./cli.ts";
import { findLesson, listLessons, missingSolutionMessage, UnknownLessonError, type Lesson } from "./lessons.ts";
import { lessonTypeErrors, type TypeReport } from "./lesson-types.ts";
import { isUntouched, rememberResult } from "./progress.ts";
import { bold, dim, formatLessonResult, green, padWide, red } from "./report.ts";
import { isMain } from "./run-main.ts";
import { runLessonTests, type RunResult } from "./run-tests.ts";
import { lessonTextIn, shortTitleOf } from "../i18n/lesson-text.ts";
import { messages } from "../i18n/messages.ts";

const USAGE = "usage: npm run verify -- [--solutions] [lesson number ...]   e.g. npm run verify -- 01";

export async function verify(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { solutions: { type: "boolean" } }, USAGE, { min: 0, max: Infinity });
  if (!args) return EXIT.usage;
  const numbers = args.positionals;
  const target = args.values.solutions ? "solutions" : "lessons";

  const all = listLessons();
  let chosen: Lesson[];
  try {
    chosen = numbers.length ? numbers.map((number) => findLesson(number, all)) : all;
  } catch (error) {
    if (error instanceof UnknownLessonError) {
      console.error(error.message);
      return EXIT.usage;
    }
    throw error;
  }

  const results: [Lesson, RunResult][] = [];
  let typeErrors = 0;
  for (const lesson of chosen) {
    const before = missingSolutionMessage(lesson);
    if (before) {
      console.log(`${bold(messages().lessonHeading(lesson.id, lessonTextIn(lesson).title))}\n  ${before}\n`);
      results.push([lesson, { ok: false, tasks: [], checks: [], problem: before, output: "" }]);
      continue;
    }
    // Types only for the learner's own edits: solutions and untouched lessons are type-checked by `npm test`.
    const checkTypes = target === "lessons" && !isUntouched(lesson);
    const [result, types] = await Promise.all([
      runLessonTests(lesson, { target }),
      checkTypes ? lessonTypeErrors(lesson) : Promise.resolve<TypeReport | undefined>(undefined),
    ]);
    // The lesson's code may have deleted its own solution while the tests ran.
    const after = missingSolutionMessage(lesson);
    if (after) Object.assign(result, { ok: false, problem: after });
    results.push([lesson, result]);
    // npm start reads this back instead of running the same tests again.
    if (target === "lessons" && !after) rememberResult(lesson, result);
    const file = target === "solutions" ? lesson.solutionPath : lesson.lessonPath;
    // A file that does not load already says why (its syntax error, once); the checker would only repeat it.
    const shownTypes = result.problem ? undefined : types;
    typeErrors += shownTypes?.errors.length ?? 0;
    console.log(`${formatLessonResult(lesson, result, file, shownTypes)}\n`);
  }

  if (chosen.length > 1) console.log(progressTable(results));
  return results.every(([, result]) => result.ok) && typeErrors === 0 ? EXIT.ok : EXIT.failed;
}

export function progressTable(results: [Lesson, RunResult][]): string {
  const say = messages();
  const rows = results.map(([lesson, result]) => {
    const done = result.tasks.filter((task) => task.passed).length;
    const total = result.tasks.length;
    const state = result.ok ? green(say.state("done")) : result.problem ? red(say.state("error")) : done ? say.state("in progress") : dim(say.state("not started"));
    const bar = total ? "■".repeat(done) + "□".repeat(total - done) : "";
    return `  ${lesson.id}  ${padWide(shortTitleOf(lessonTextIn(lesson, undefined, false).title), 20)}  ${bar.padEnd(8)} ${String(done)}/${total}  ${state}`;
  });
  const finished = results.filter(([, result]) => result.ok).length;
  return [bold(say.progress), ...rows, bold(`  ${say.lessonsDone(finished, results.length)}`)].join("\n");
}

if (isMain(import.meta.url)) {
  stopChildrenOnSignals();
  process.exit(await verify(process.argv.slice(2)));
}
