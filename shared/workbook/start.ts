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
import { bold, columnsOf, describeCheck, dim, fitWide, green, red } from "./report.ts";
import { isMain } from "./run-main.ts";
import { watch } from "./watch.ts";
import { lessonTextIn, localTaskTitle, shortTitleOf } from "../i18n/lesson-text.ts";
import { messages } from "../i18n/messages.ts";

const MARK: Record<LessonStatus["state"], (text: string) => string> = {
  done: green,
  "in progress": (text) => text,
  "not started": dim,
  problem: red,
  missing: red,
};

export function progressLines(statuses: LessonStatus[]): string[] {
  const say = messages();
  const titles = statuses.map(({ lesson }) => shortTitleOf(lessonTextIn(lesson, undefined, false).title));
  // As wide as the longest title, up to a width that still fits an 80-column terminal.
  const width = Math.min(Math.max(20, ...titles.map(columnsOf)), 30);
  const rows = statuses.map(({ lesson, state, tasks }, index) => {
    const passed = tasks.filter((task) => task.passed).length;
    const bar = "■".repeat(passed) + "□".repeat(tasks.length - passed);
    return `  ${lesson.id}  ${fitWide(titles[index]!, width)}  ${bar.padEnd(8)} ${passed}/${tasks.length}  ${MARK[state](say.state(state))}`;
  });
  const done = statuses.filter((status) => status.state === "done").length;
  return [...rows, bold(`  ${say.lessonsDone(done, statuses.length)}`)];
}

/** What to do now for one lesson, as commands to copy. */
export function nextSteps(status: LessonStatus): string[] {
  const { lesson } = status;
  const say = messages();
  const text = lessonTextIn(lesson);
  const task = firstOpenTask(status);
  const out = [bold(say.nextLesson(lesson.id, text.title))];
  if (status.problem) out.push(`  ${status.problem.split("\n").join("\n  ")}`);
  if (task) out.push(`  ${say.firstOpenTask(task.task, localTaskTitle(lesson, task.task) ?? task.title, shown(lesson.lessonPath))}`);
  else if (!status.problem) {
    // Every task passes, yet the lesson is not done: a check of the whole lesson says why.
    const checks = status.failingChecks.map((check) => `  ${say.everyTaskPassesBut(describeCheck(check))}`);
    out.push(...(checks.length ? checks : [`  ${say.everyTaskPassesBut(say.lessonTestsFail(lesson.id))}`]));
  }
  const notStarted = status.state === "not started";
  const step = say.steps;
  out.push(
    "",
    `  ${step.read}  ${shown(text.path)}`,
    `  ${step.edit}  ${shown(lesson.lessonPath)}`,
    `  ${step.run}  npx tsx ${shown(lesson.lessonPath)}`,
    `  ${step.check}  npm run verify -- ${lesson.id}`,
    `  ${step.watch}  npm run watch -- ${lesson.id}      ${step.watchWhy}`,
    `  ${step.stuck}  npm run hint -- ${lesson.id}       ${step.stuckWhy}`,
    notStarted
      ? `  ${step.compare}  npm run diff -- ${lesson.id} --yes ${step.compareWhole}`
      : `  ${step.compare}  npm run diff -- ${lesson.id}       ${step.compareYours}`,
    `  ${step.restart}  npm run reset -- ${lesson.id}      ${step.restartWhy}`,
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

  const say = messages();
  console.log([bold(say.progressTitle), ...progressLines(statuses), ""].join("\n"));
  const next = nextLesson(statuses);
  if (!next) {
    console.log(green(say.allDone) + say.allDoneCompare);
    return EXIT.ok;
  }
  console.log(nextSteps(next).join("\n"));

  if (!interactive()) return EXIT.ok;
  const answer = await ask(say.watchNow(next.lesson.id));
  if (/^n/i.test(answer)) return EXIT.ok;
  return watch([next.lesson.id]);
}

if (isMain(import.meta.url)) {
  stopChildrenOnSignals();
  process.exit(await start(process.argv.slice(2)));
}
