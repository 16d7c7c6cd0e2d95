/**
 * Writes derived exercises (lessons with some or all TODOs undone) into
 * `.pristine/`, one folder below the repository root like `lessons/`, so the
 * exercises' relative imports (`../shared/...`) resolve exactly as they do in
 * `lessons/`. Used by `npm test` and `reset`, never touching the learner's files.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { PRISTINE_DIR } from "../paths.ts";
import { deriveExercise } from "./derive.ts";
import type { Lesson } from "../workbook/lessons.ts";

export { PRISTINE_DIR };

/** The lesson as shipped: its solution with every TODO undone. */
export function pristineSource(lesson: Lesson): string {
  return deriveExercise(readFileSync(lesson.solutionPath, "utf8"));
}

/** Writes the exercise with `unsolved` tasks undone and returns its path. */
export function writeDerived(lesson: Lesson, unsolved: "all" | readonly number[]): string {
  mkdirSync(PRISTINE_DIR, { recursive: true });
  const label = unsolved === "all" ? "untouched" : `todo${unsolved.join("-")}`;
  const path = join(PRISTINE_DIR, `${lesson.slug}.${label}.ts`);
  const source = deriveExercise(readFileSync(lesson.solutionPath, "utf8"), unsolved);
  // Write-then-rename: a concurrent run never imports a half-written file.
  if (!existsSync(path) || readFileSync(path, "utf8") !== source) {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, source);
    renameSync(temporary, path);
  }
  return path;
}
