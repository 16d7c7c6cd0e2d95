/**
 * npm run hint -- NN [task]: the next hint for the first open task (or the
 * task you name), one tier more each time: a nudge, then the API to use, then
 * the shape of the code. Which tiers you have seen is kept in
 * .workbook/hints.json; `--reset` forgets them for that lesson.
 */
import { stopChildrenOnSignals } from "./child-process.ts";
import { EXIT, lessonFromArg, parseCommand, readState, shown, writeState } from "./cli.ts";
import type { TaskText } from "./lesson-text.ts";
import { lessonTextIn } from "../i18n/lesson-text.ts";
import { messages } from "../i18n/messages.ts";
import type { Lesson } from "./lessons.ts";
import { firstOpenTask, lessonStatus } from "./progress.ts";
import { bold, describeCheck, dim, green } from "./report.ts";
import { isMain } from "./run-main.ts";

/** lesson slug → task number → how many tiers were shown. */
type Seen = Record<string, Record<string, number>>;
const SEEN_FILE = "hints.json";

const USAGE = "usage: npm run hint -- NN [task] [--reset]   e.g. npm run hint -- 01, npm run hint -- 01 3";

/** The task to help with: the one asked for, or the first one whose tests fail. */
async function chooseTask(lesson: Lesson, texts: TaskText[], textPath: string, asked: string | undefined): Promise<TaskText | string> {
  const say = messages();
  if (asked !== undefined) {
    const wanted = Number(asked.replace(/^task/i, ""));
    const text = texts.find((entry) => entry.task === wanted);
    return text ?? say.noSuchTask(lesson.id, asked, texts.map((entry) => `${entry.task} (${entry.title})`).join(", "));
  }
  const status = await lessonStatus(lesson);
  if (status.state === "done") {
    return green(say.lessonDoneHintsAnyway(lesson.id)) + say.askAnyway(lesson.id);
  }
  if (status.problem) {
    // The tests could not say which task is open; the first one is the place to start.
    console.log(`${status.problem.split("\n").slice(0, 3).join("\n")}\n${dim(say.testsCouldNotRun)}\n`);
  }
  const open = status.problem ? undefined : firstOpenTask(status);
  if (!status.problem && !open) {
    // Every task passes and a whole-lesson check does not: no task hint fits, the check's own message is the hint.
    const checks = status.failingChecks.map((check) => `  ${describeCheck(check)}`);
    return say.tasksPassLessonNot(lesson.id, checks.join("\n") || `  ${say.wholeLessonCheckFails}`);
  }
  return texts.find((entry) => entry.task === (open?.task ?? texts[0]?.task)) ?? texts[0] ?? say.noTaskSections(shown(textPath));
}

export async function hint(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { reset: { type: "boolean" } }, USAGE, { min: 1, max: 2 });
  if (!parsed) return EXIT.usage;
  const reset = parsed.values.reset === true;
  const args = parsed.positionals;
  const lesson = lessonFromArg(args[0]!);
  if (!lesson) return EXIT.usage;

  const say = messages();
  const seen = readState<Seen>(SEEN_FILE, {});
  if (reset) {
    delete seen[lesson.slug];
    writeState(SEEN_FILE, seen);
    console.log(say.hintsReset(lesson.id));
    return EXIT.ok;
  }

  // The hints in the learner's language (lessons/zh-CN/ for Chinese), English when not translated yet.
  const text = lessonTextIn(lesson);
  const texts = text.tasks;
  if (texts.length === 0) {
    console.error(say.noTaskSections(shown(text.path)));
    return EXIT.failed;
  }
  const chosen = await chooseTask(lesson, texts, text.path, args[1]);
  if (typeof chosen === "string") {
    const isError = chosen.startsWith("🚨");
    (isError ? console.error : console.log)(chosen);
    return isError ? EXIT.usage : EXIT.ok;
  }
  if (chosen.hints.length === 0) {
    console.log(say.taskHasNoHints(chosen.task, shown(text.path)));
    return EXIT.ok;
  }

  const forLesson = (seen[lesson.slug] ??= {});
  const before = forLesson[chosen.task] ?? 0;
  const shownNow = Math.min(before + 1, chosen.hints.length);
  forLesson[chosen.task] = shownNow;
  writeState(SEEN_FILE, seen);

  const out = [bold(say.hintHeading(lesson.id, chosen.task, chosen.title))];
  chosen.hints.slice(0, shownNow).forEach((text, index) => {
    const label = say.hintLabel(index + 1, chosen.hints.length, index);
    const body = text.split("\n").join("\n     ");
    // Earlier hints stay on screen, dimmed, so the new one reads in context.
    out.push(index + 1 < shownNow ? dim(`  ${label}\n     ${body}`) : `  ${bold(label)}\n     ${body}`);
  });
  if (shownNow < chosen.hints.length) out.push(dim(`\n  ${say.stillStuck(`npm run hint -- ${lesson.id}${args[1] ? ` ${chosen.task}` : ""}`)}`));
  else if (before >= chosen.hints.length) out.push(dim(`\n  ${say.wasLastHint(lesson.id)}`));
  else out.push(dim(`\n  ${say.isLastHint(lesson.id)}`));
  console.log(out.join("\n"));
  return EXIT.ok;
}

if (isMain(import.meta.url)) {
  stopChildrenOnSignals();
  process.exit(await hint(process.argv.slice(2)));
}
