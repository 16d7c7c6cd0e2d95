/**
 * What every learner command shares: picking a lesson from what was typed,
 * knowing whether a person is there to answer a question, and the small
 * local state kept in .workbook/ (gitignored; deleting it loses nothing but speed
 * and which hints were shown).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ROOT } from "../paths.ts";
import { findLesson, listLessons, UnknownLessonError, type Lesson } from "./lessons.ts";

/** Exit statuses: 0 fine, 1 the work is not done / the command failed, 2 a mistake in what was typed. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A person at a terminal who can answer a prompt. Never in CI, never with stdin closed or piped. */
export function interactive(env = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI.toLowerCase() !== "false";
  return !ci && process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/** Asks one question on the terminal; callers check interactive() first. */
export async function ask(question: string): Promise<string> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await prompt.question(question)).trim();
  } finally {
    prompt.close();
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * A command's arguments through node:util parseArgs (strict: an unknown
 * option is an error), or undefined after printing what was wrong and the usage.
 */
export function parseCommand<T extends Options>(argv: string[], options: T, usage: string, count: { min: number; max: number }) {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    const n = parsed.positionals.length;
    if (n < count.min || n > count.max) {
      console.error(`🚨 ${n < count.min ? "missing" : "too many"} arguments.\n${usage}`);
      return undefined;
    }
    return parsed;
  } catch (error) {
    console.error(`🚨 ${(error as Error).message}\n${usage}`);
    return undefined;
  }
}

/** The lesson a learner named, or undefined after printing which lessons exist. */
export function lessonFromArg(arg: string, lessons = listLessons()): Lesson | undefined {
  try {
    return findLesson(arg, lessons);
  } catch (error) {
    if (!(error instanceof UnknownLessonError)) throw error;
    console.error(error.message);
    return undefined;
  }
}

/** A path as the learner would type it from the repository root. */
export function shown(path: string): string {
  return relative(ROOT, path);
}

/** The learner's file is gone (deleted, renamed): say how to get it back. */
export function missingFileMessage(lesson: Lesson): string {
  return `🚨 ${shown(lesson.lessonPath)} is missing. Get its starting version back with: npm run reset -- ${lesson.id}`;
}

export function stateDir(root = ROOT): string {
  return join(root, ".workbook");
}

export function readState<T>(name: string, fallback: T, root = ROOT): T {
  const path = join(stateDir(root), name);
  if (!existsSync(path)) return fallback;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return fallback; // a damaged cache is only a slower start
  }
}

export function writeState(name: string, value: unknown, root = ROOT): void {
  mkdirSync(stateDir(root), { recursive: true });
  const path = join(stateDir(root), name);
  // Write-then-rename: two commands at once never leave half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}
