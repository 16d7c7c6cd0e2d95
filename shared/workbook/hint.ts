/**
 * npm run hint -- NN [task]: the next hint for the first open task (or the
 * task you name), one tier more each time: a nudge, then the API to use, then
 * the shape of the code. Which tiers you have seen is kept in
 * .workbook/hints.json; `--reset` forgets them for that lesson.
 */
import { stopChildrenOnSignals } from "./child-process.ts";
import { EXIT, lessonFromArg, parseCommand, readState, shown, writeState } from "./cli.ts";
import { readLessonText, type TaskText } from "./lesson-text.ts";
import type { Lesson } from "./lessons.ts";
import { firstOpenTask, lessonStatus } from "./progress.ts";
import { bold, describeCheck, dim, green } from "./report.ts";
import { isMain } from "./run-main.ts";

/** lesson slug → task number → how many tiers were shown. */
type Seen = Record<string, Record<string, number>>;
const SEEN_FILE = "hints.json";
const TIER_NAMES = ["a nudge", "the API to use", "the shape of the code"];

const USAGE = "usage: npm run hint -- NN [task] [--reset]   e.g. npm run hint -- 01, npm run hint -- 01 3";

/** The task to help with: the one asked for, or the first one whose tests fail. */
async function chooseTask(lesson: Lesson, texts: TaskText[], asked: string | undefined): Promise<TaskText | string> {
  if (asked !== undefined) {
    const wanted = Number(asked.replace(/^task/i, ""));
    const text = texts.find((entry) => entry.task === wanted);
    return text ?? `🚨 lesson ${lesson.id} has no task "${asked}". Its tasks are: ${texts.map((entry) => `${entry.task} (${entry.title})`).join(", ")}.`;
  }
  const status = await lessonStatus(lesson);
  if (status.state === "done") {
    return green(`Lesson ${lesson.id} is done: every task passes.`) + ` Ask for a task's hints anyway with: npm run hint -- ${lesson.id} <task>`;
  }
  if (status.problem) {
    // The tests could not say which task is open; the first one is the place to start.
    console.log(`${status.problem.split("\n").slice(0, 3).join("\n")}\n${dim("(the tests could not run, so here is the first task's hint)")}\n`);
  }
  const open = status.problem ? undefined : firstOpenTask(status);
  if (!status.problem && !open) {
    // Every task passes and a whole-lesson check does not: no task hint fits, the check's own message is the hint.
    const checks = status.failingChecks.map((check) => `  ${describeCheck(check)}`);
    return `Every task of lesson ${lesson.id} passes, but the lesson is not done:\n${checks.join("\n") || "  a check of the whole lesson fails"}\n` +
      `Its full message: npm run verify -- ${lesson.id}. Hints for a task anyway: npm run hint -- ${lesson.id} <task>`;
  }
  return texts.find((entry) => entry.task === (open?.task ?? texts[0]?.task)) ?? texts[0] ?? `🚨 ${shown(lesson.textPath)} has no "## Task N" sections.`;
}

export async function hint(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { reset: { type: "boolean" } }, USAGE, { min: 1, max: 2 });
  if (!parsed) return EXIT.usage;
  const reset = parsed.values.reset === true;
  const args = parsed.positionals;
  const lesson = lessonFromArg(args[0]!);
  if (!lesson) return EXIT.usage;

  const seen = readState<Seen>(SEEN_FILE, {});
  if (reset) {
    delete seen[lesson.slug];
    writeState(SEEN_FILE, seen);
    console.log(`Hints for lesson ${lesson.id} start over from the first one.`);
    return EXIT.ok;
  }

  const texts = readLessonText(lesson);
  if (texts.length === 0) {
    console.error(`🚨 ${shown(lesson.textPath)} is missing or has no "## Task N" sections, so there are no hints to show.`);
    return EXIT.failed;
  }
  const chosen = await chooseTask(lesson, texts, args[1]);
  if (typeof chosen === "string") {
    const isError = chosen.startsWith("🚨");
    (isError ? console.error : console.log)(chosen);
    return isError ? EXIT.usage : EXIT.ok;
  }
  if (chosen.hints.length === 0) {
    console.log(`Task ${chosen.task} has no hints in ${shown(lesson.textPath)}; its section there explains the step.`);
    return EXIT.ok;
  }

  const forLesson = (seen[lesson.slug] ??= {});
  const before = forLesson[chosen.task] ?? 0;
  const shownNow = Math.min(before + 1, chosen.hints.length);
  forLesson[chosen.task] = shownNow;
  writeState(SEEN_FILE, seen);

  const out = [bold(`Lesson ${lesson.id} · Task ${chosen.task}: ${chosen.title}`)];
  chosen.hints.slice(0, shownNow).forEach((text, index) => {
    const label = `Hint ${index + 1}/${chosen.hints.length} (${TIER_NAMES[index] ?? "more"})`;
    const body = text.split("\n").join("\n     ");
    // Earlier hints stay on screen, dimmed, so the new one reads in context.
    out.push(index + 1 < shownNow ? dim(`  ${label}\n     ${body}`) : `  ${bold(label)}\n     ${body}`);
  });
  if (shownNow < chosen.hints.length) out.push(dim(`\n  Still stuck? Run it again for the next hint: npm run hint -- ${lesson.id}${args[1] ? ` ${chosen.task}` : ""}`));
  else if (before >= chosen.hints.length) out.push(dim(`\n  That was the last hint. Compare with the solution: npm run diff -- ${lesson.id}   (start hints over: npm run hint -- ${lesson.id} --reset)`));
  else out.push(dim(`\n  That is the last hint for this task. Compare with the solution: npm run diff -- ${lesson.id}`));
  console.log(out.join("\n"));
  return EXIT.ok;
}

if (isMain(import.meta.url)) {
  stopChildrenOnSignals();
  process.exit(await hint(process.argv.slice(2)));
}
