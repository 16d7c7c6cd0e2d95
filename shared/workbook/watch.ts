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
  console.log(dim(`${new Date().toLocaleTimeString()}  checking ${shown(lesson.lessonPath)} …`));
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
  console.log(lastLines(run.output, MAX_OUTPUT_LINES) || dim("(no output)"));
  if (run.timedOut) {
    console.log(`🚨 npx tsx ${shown(lesson.lessonPath)} did not finish within ${Math.round(run.timeoutMs / 1000)} s and was stopped (its main() and whatever it started). ` +
      "Likely causes: an endless loop, a promise that never settles, or a server, socket or timer left open. The output above shows how far it got.");
  }
  console.log(bold("── tests"));
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
    console.log(dim("\nStopped watching."));
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
      console.log(green("Every lesson is done. 🎉"));
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
      console.log(dim("\nStopped watching."));
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
          console.log(green("\nEvery lesson is done. 🎉") + " Compare with the solutions: npm run diff -- NN");
          return finish(EXIT.ok);
        }
        console.log(green(`\nLesson ${current.id} is complete.`) + ` Moving on to lesson ${next.id} · ${next.title} (${shown(next.textPath)}).`);
        follow(next);
        return runNow();
      }
      console.log(dim(`\nWatching ${shown(current.lessonPath)}: save it to check again. Ctrl-C to stop.`));
    };

    follow(current);
    void runNow();
  });
}

if (isMain(import.meta.url)) process.exit(await watch(process.argv.slice(2)));
