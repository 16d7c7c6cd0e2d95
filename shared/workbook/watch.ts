/**
 * npm run watch [-- NN]: re-runs a lesson every time you save it. Each run
 * shows the lesson's own output (its trace tree) and then the tests, task by
 * task. When every task passes it moves on to the next lesson not done.
 * Without a number it starts with the first lesson not done. Ctrl-C stops
 * it and everything it started.
 */
import { watch as watchFolder, existsSync, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { hangUpWhenOrphaned, killAllChildren } from "./child-process.ts";
import { EXIT, lessonFromArg, missingFileMessage, parseCommand, shown } from "./cli.ts";
import { listLessons, type Lesson } from "./lessons.ts";
import { allStatuses, nextLesson, rememberResult } from "./progress.ts";
import { bold, dim, formatLessonResult, green } from "./report.ts";
import { isMain } from "./run-main.ts";
import { runLessonFile } from "./run-file.ts";
import { runLessonTests, TASK_TITLE, type ReportedEvent } from "./run-tests.ts";
import { lessonTextIn } from "../i18n/lesson-text.ts";
import { messages } from "../i18n/messages.ts";
import { warmChildren, type WarmChildren } from "./warm-children.ts";

const DEBOUNCE_MS = 150;
/** Ctrl-C, `kill`, a closed terminal: each stops the runs (their whole process groups) and ends watch mode. */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const MAX_OUTPUT_LINES = 80;
const tty = process.stdout.isTTY === true;

function lastLines(text: string, max: number): string {
  const lines = text.trimEnd().split("\n");
  if (lines.length <= max) return lines.join("\n");
  return [dim(`… ${lines.length - max} earlier lines`), ...lines.slice(-max)].join("\n");
}

/** One check: the lesson's output and its tests, side by side in two child processes (started ahead when `warm` has them). */
async function check(lesson: Lesson, signal: AbortSignal, warm?: WarmChildren): Promise<boolean> {
  if (tty) process.stdout.write("\x1b[2J\x1b[H");
  const say = messages();
  console.log(dim(say.checking(new Date().toLocaleTimeString(), shown(lesson.lessonPath))));
  if (!existsSync(lesson.lessonPath)) {
    console.log(missingFileMessage(lesson));
    return false;
  }
  // Each task's verdict is printed the moment it arrives; the full report follows when both runs end.
  const onEvent = (event: ReportedEvent) => {
    if ((event.type === "pass" || event.type === "fail") && event.suite && TASK_TITLE.test(event.name)) {
      console.log(dim(`  ${event.type === "pass" ? "✓" : "✗"} ${event.name}`));
    }
  };
  const [run, result] = await Promise.all([
    runLessonFile(lesson.lessonPath, { signal, color: tty && !process.env.NO_COLOR, warm }),
    runLessonTests(lesson, { signal, onEvent, warm }),
  ]);
  if (signal.aborted) return false;
  console.log(bold(`── npx tsx ${shown(lesson.lessonPath)}`) + dim(run.timedOut ? `  (stopped after ${Math.round(run.timeoutMs / 1000)} s)` : `  (exit ${run.status})`));
  console.log(lastLines(run.output, MAX_OUTPUT_LINES) || dim(say.noOutput));
  if (run.timedOut) {
    console.log(`🚨 npx tsx ${shown(lesson.lessonPath)} did not finish within ${Math.round(run.timeoutMs / 1000)} s and was stopped (its main() and whatever it started). ` +
      "Likely causes: an endless loop, a promise that never settles, or a server, socket or timer left open. The output above shows how far it got.");
  }
  console.log(bold(say.testsRule));
  console.log(formatLessonResult(lesson, result, lesson.lessonPath));
  rememberResult(lesson, result);
  return result.ok;
}

export async function watch(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {}, "usage: npm run watch [-- NN]   e.g. npm run watch -- 01", { min: 0, max: 1 });
  if (!args) return EXIT.usage;
  const lessons = listLessons();
  // Until the watch loop has its own handlers (finding the first lesson may run every lesson's tests).
  const early = () => {
    console.log(dim(messages().stoppedWatching));
    void killAllChildren().then(() => process.exit(EXIT.ok));
  };
  for (const signal of SIGNALS) process.on(signal, early);
  hangUpWhenOrphaned();
  try {
    return await watchFrom(lessons, args.positionals[0], () => {
      for (const signal of SIGNALS) process.off(signal, early);
    });
  } finally {
    for (const signal of SIGNALS) process.off(signal, early);
  }
}

async function watchFrom(lessons: Lesson[], asked: string | undefined, dropEarlyHandlers: () => void): Promise<number> {
  let lesson: Lesson | undefined;
  if (asked !== undefined) {
    lesson = lessonFromArg(asked, lessons);
    if (!lesson) return EXIT.usage;
  } else {
    lesson = nextLesson(await allStatuses(lessons))?.lesson;
    if (!lesson) {
      console.log(green(messages().allDone));
      return EXIT.ok;
    }
  }

  return new Promise<number>((resolve) => {
    let current: Lesson = lesson;
    let watcher: FSWatcher | undefined;
    let running: AbortController | undefined;
    let debounce: NodeJS.Timeout | undefined;
    let finished = false;
    // The next save's processes, started while the learner edits (WORKBOOK_WARM=0: none).
    const warm = warmChildren();

    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(debounce);
      watcher?.close();
      warm?.close();
      running?.abort();
      for (const signal of SIGNALS) process.off(signal, onSignal);
      // Resolve once every child is gone, so the exit that follows leaves nothing behind.
      void killAllChildren().then(() => resolve(code));
    };
    const onSignal = () => {
      console.log(dim(messages().stoppedWatching));
      finish(EXIT.ok);
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
    dropEarlyHandlers();

    const follow = (target: Lesson) => {
      watcher?.close();
      current = target;
      // Watch the folder, not the file: editors that save by writing a new
      // file and renaming it over the old one would end a watch on the file.
      const file = basename(target.lessonPath);
      watcher = watchFolder(dirname(target.lessonPath), (_event, name) => {
        if (name === file) schedule();
      });
    };
    const schedule = () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void runNow(), DEBOUNCE_MS);
    };
    const runNow = async (): Promise<void> => {
      if (finished) return; // stopped meanwhile: start nothing new
      running?.abort(); // a save during a run makes that run's answer stale
      const controller = new AbortController();
      running = controller;
      const passed = await check(current, controller.signal, warm);
      // Started only now, so they do not compete with this check's own runs for the CPU.
      if (running === controller) warm?.refill();
      if (controller.signal.aborted || finished) return;
      if (passed) {
        // The next unfinished lesson after this one, wrapping round to the start.
        const next = nextLesson(await allStatuses(lessons), current)?.lesson;
        if (finished) return;
        if (!next) {
          console.log(green(`\n${messages().allDone}`) + messages().allDoneWatch);
          return finish(EXIT.ok);
        }
        const nextText = lessonTextIn(next);
        console.log(green(`\n${messages().movingOn(current.id, next.id, nextText.title, shown(nextText.path))}`));
        follow(next);
        return runNow();
      }
      console.log(dim(`\n${messages().watching(shown(current.lessonPath))}`));
    };

    follow(current);
    void runNow();
  });
}

if (isMain(import.meta.url)) process.exit(await watch(process.argv.slice(2)));
