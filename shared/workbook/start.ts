/**
 * npm start: where you stand. Every lesson with its state, the next lesson,
 * its first open task and the exact commands to run. Prints and exits when
 * nobody is at a terminal (CI, `npm start </dev/null`); at a terminal it
 * offers watch mode.
 */
import { stopChildrenOnSignals } from "./child-process.ts";
import { ask, EXIT, interactive, parseCommand, shown } from "./cli.ts";
import { listLessons } from "./lessons.ts";
import { allStatuses, firstOpenTask, nextLesson, type LessonStatus } from "./progress.ts";
import { bold, describeCheck, dim, green, red } from "./report.ts";
import { isMain } from "./run-main.ts";
import { watch } from "./watch.ts";

const MARK: Record<LessonStatus["state"], (text: string) => string> = {
  done: green,
  "in progress": (text) => text,
  "not started": dim,
  problem: red,
  missing: red,
};

export function progressLines(statuses: LessonStatus[]): string[] {
  const rows = statuses.map(({ lesson, state, tasks }) => {
    const passed = tasks.filter((task) => task.passed).length;
    const bar = "■".repeat(passed) + "□".repeat(tasks.length - passed);
    return `  ${lesson.id}  ${lesson.shortTitle.padEnd(20)}  ${bar.padEnd(8)} ${passed}/${tasks.length}  ${MARK[state](state)}`;
  });
  const done = statuses.filter((status) => status.state === "done").length;
  return [...rows, bold(`  ${done}/${statuses.length} lessons done`)];
}

/** What to do now for one lesson, as commands to copy. */
export function nextSteps(status: LessonStatus): string[] {
  const { lesson } = status;
  const task = firstOpenTask(status);
  const out = [bold(`Next: lesson ${lesson.id} · ${lesson.title}`)];
  if (status.problem) out.push(`  ${status.problem.split("\n").join("\n  ")}`);
  if (task) out.push(`  first open task: Task ${task.task}${task.title ? ` · ${task.title}` : ""} (TODO(${task.task}) in ${shown(lesson.lessonPath)})`);
  else if (!status.problem) {
    // Every task passes, yet the lesson is not done: a check of the whole lesson says why.
    const checks = status.failingChecks.map((check) => `  every task passes, but ${describeCheck(check)}`);
    out.push(...(checks.length ? checks : ["  every task passes, but the lesson's tests do not: npm run verify -- " + lesson.id + " shows what fails"]));
  }
  const notStarted = status.state === "not started";
  out.push(
    "",
    `  read      ${shown(lesson.textPath)}`,
    `  edit      ${shown(lesson.lessonPath)}`,
    `  run it    npx tsx ${shown(lesson.lessonPath)}`,
    `  check     npm run verify -- ${lesson.id}`,
    `  or watch  npm run watch -- ${lesson.id}      (re-checks every time you save)`,
    `  stuck?    npm run hint -- ${lesson.id}       (one hint at a time)`,
    notStarted
      ? `  compare   npm run diff -- ${lesson.id} --yes (not started yet, so this is the whole solution: try the tasks first)`
      : `  compare   npm run diff -- ${lesson.id}       (your file against the solution)`,
    `  restart   npm run reset -- ${lesson.id}      (back to the starting version)`,
  );
  return out;
}

export async function start(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { fresh: { type: "boolean" } }, "usage: npm start [-- --fresh]   (--fresh re-runs every lesson's tests instead of using remembered results)", { min: 0, max: 0 });
  if (!args) return EXIT.usage;
  const lessons = listLessons();
  if (lessons.length === 0) {
    console.error("🚨 no lessons found: expected solutions/NN-topic.ts with lessons/NN-topic.test.ts. Is this the workbook's folder?");
    return EXIT.failed;
  }
  const statuses = await allStatuses(lessons, { fresh: args.values.fresh === true });

  console.log([bold("OpenTelemetry for AI agents · your progress"), ...progressLines(statuses), ""].join("\n"));
  const next = nextLesson(statuses);
  if (!next) {
    console.log(green("Every lesson is done. 🎉") + " Compare your files with the solutions: npm run diff -- NN");
    return EXIT.ok;
  }
  console.log(nextSteps(next).join("\n"));

  if (!interactive()) return EXIT.ok;
  const answer = await ask(`\nWatch lesson ${next.lesson.id} now (re-run its tests on every save)? [Y/n] `);
  if (/^n/i.test(answer)) return EXIT.ok;
  return watch([next.lesson.id]);
}

if (isMain(import.meta.url)) {
  stopChildrenOnSignals();
  process.exit(await start(process.argv.slice(2)));
}
