/**
 * npm run reset -- NN [--yes]: put lessons/NN-topic.ts back to its starting
 * version (derived from the solution, as shipped). Only that file changes;
 * your previous version is kept in .workbook/backup/.
 * npm run reset -- NN --undo [--yes]: put back the version the last reset
 * replaced (the file it replaces is kept in the backup folder too).
 * Asks first at a terminal; elsewhere it needs --yes.
 *
 * The new file is written beside the old one and renamed over it, so a
 * lesson that is a symbolic link gets a regular file in its place and the
 * file the link pointed to is never written.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pristineSource } from "../authoring/pristine.ts";
import { stopChildrenOnSignals } from "./child-process.ts";
import { ask, EXIT, interactive, lessonFromArg, parseCommand, shown, stateDir } from "./cli.ts";
import type { Lesson } from "./lessons.ts";
import { isMain } from "./run-main.ts";
import { messages } from "../i18n/messages.ts";

const USAGE = "usage: npm run reset -- NN [--yes] [--undo]   e.g. npm run reset -- 01   (--undo: back to the version the last reset replaced)";

function backupFolder(): string {
  return join(stateDir(), "backup");
}

/** The newest backup of a lesson (names end in an ISO-like time stamp, so they sort by time). */
function latestBackup(lesson: Lesson): string | undefined {
  const folder = backupFolder();
  if (!existsSync(folder)) return undefined;
  const mine = readdirSync(folder).filter((name) => name.startsWith(`${lesson.slug}.`) && name.endsWith(".ts")).sort();
  return mine.length ? join(folder, mine.at(-1)!) : undefined;
}

/** Why the lesson's path cannot be replaced, in words; undefined when it can. */
function cannotReplace(lesson: Lesson): string | undefined {
  const path = lesson.lessonPath;
  const where = shown(path);
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return undefined; // missing: reset brings it back
  }
  if (stats.isDirectory()) return `🚨 ${where} is a folder, not a file. Move it out of the way, then run the reset again.`;
  if (stats.isSymbolicLink()) return undefined; // replaced by a regular file; its target is left alone
  if (!stats.isFile()) return `🚨 ${where} is not a regular file. Move it out of the way, then run the reset again.`;
  if ((stats.mode & 0o222) === 0) return `🚨 ${where} is read-only, so reset leaves it alone. Make it writable (chmod u+w ${where}), then run the reset again.`;
  return undefined;
}

/** Copies what the learner has now into the backup folder (following a link: it is their text). */
function backUp(lesson: Lesson): string | undefined {
  if (!existsSync(lesson.lessonPath) || !statSync(lesson.lessonPath).isFile()) return undefined;
  mkdirSync(backupFolder(), { recursive: true });
  const backup = join(backupFolder(), `${lesson.slug}.${new Date().toISOString().replace(/[:.]/g, "-")}.ts`);
  writeFileSync(backup, readFileSync(lesson.lessonPath));
  return backup;
}

/** Write-then-rename: replaces the path itself (a link included), never the file a link points to. */
function replaceFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${process.pid}.reset.tmp`);
  try {
    writeFileSync(temporary, text, { flag: "wx" });
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}

async function confirm(question: string, lesson: Lesson, flags: string): Promise<boolean | "refused"> {
  if (!interactive()) {
    console.error(`🚨 this replaces your work in ${shown(lesson.lessonPath)}. Not at a terminal, so not asking: run it again with --yes:\n   npm run reset -- ${lesson.id}${flags} --yes`);
    return "refused";
  }
  return /^y(es)?$/i.test(await ask(question));
}

export async function reset(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { yes: { type: "boolean", short: "y" }, undo: { type: "boolean" } }, USAGE, { min: 1, max: 1 });
  if (!args) return EXIT.usage;
  const lesson = lessonFromArg(args.positionals[0]!);
  if (!lesson) return EXIT.usage;

  const blocked = cannotReplace(lesson);
  if (blocked) {
    console.error(blocked);
    return EXIT.failed;
  }
  const link = lstatSync(lesson.lessonPath, { throwIfNoEntry: false })?.isSymbolicLink() ? readlinkSync(lesson.lessonPath) : undefined;

  const say = messages();
  let text: string;
  let question: string;
  let from: string;
  if (args.values.undo) {
    const backup = latestBackup(lesson);
    if (!backup) {
      console.error(`🚨 there is no backup of ${shown(lesson.lessonPath)} in ${shown(backupFolder())}: nothing to undo.`);
      return EXIT.failed;
    }
    text = readFileSync(backup, "utf8");
    from = say.yourVersionFrom(shown(backup));
    question = say.askUndo(shown(lesson.lessonPath), shown(backup));
  } else {
    text = pristineSource(lesson);
    from = say.startingVersion;
    question = say.askReset(shown(lesson.lessonPath), shown(backupFolder()));
  }

  const current = existsSync(lesson.lessonPath) ? readFileSync(lesson.lessonPath, "utf8") : undefined;
  if (current === text && !link) {
    console.log(say.alreadyThere(shown(lesson.lessonPath), args.values.undo === true));
    return EXIT.ok;
  }

  if (!args.values.yes) {
    const answer = await confirm(question, lesson, args.values.undo ? " --undo" : "");
    if (answer === "refused") return EXIT.failed;
    if (!answer) {
      console.log(say.nothingChanged);
      return EXIT.ok;
    }
  }

  // The backup of the newest version is made after reading the one to restore, so --undo twice swaps back and forth.
  const backup = backUp(lesson);
  try {
    replaceFile(lesson.lessonPath, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(`🚨 could not write ${shown(lesson.lessonPath)} (${code ?? (error as Error).message}). Is the lessons/ folder writable? Nothing was changed.`);
    return EXIT.failed;
  }
  console.log(say.isBackTo(shown(lesson.lessonPath), from, backup && shown(backup)));
  if (link) console.log(say.wasLink(link));
  if (!args.values.undo && backup) console.log(say.changedMind(lesson.id));
  console.log(say.startAgain(shown(lesson.lessonPath), lesson.id));
  return EXIT.ok;
}

if (isMain(import.meta.url)) {
  stopChildrenOnSignals();
  process.exit(await reset(process.argv.slice(2)));
}
