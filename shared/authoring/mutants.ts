/**
 * Plausible wrong (and different-but-correct) learner solutions, kept beside
 * the workbook so the self-check proves each lesson's tests tell them apart.
 *
 * A lesson's cases live in shared/authoring/mutants/NN-topic.ts:
 *
 *   export default [
 *     { task: 5, kind: "wrong", why: "returns work() without await",
 *       edits: [["return await work();", "return work();"]], mentions: /ended before/ },
 *     { kind: "correct", why: "error.type is the exception's class name",
 *       edits: [["error.type\": code", "error.type\": err.name"]] },
 *   ] satisfies Mutant[];
 *
 * Each edit replaces text that occurs exactly once in the solution (so a case
 * cannot silently stop applying when the solution changes). A "wrong" case
 * must fail its task, with a 🚨 message (matching `mentions` when given); a
 * "correct" case must pass every task and every whole-lesson check.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PRISTINE_DIR, ROOT } from "../paths.ts";
import type { Lesson } from "../workbook/lessons.ts";

export interface Mutant {
  kind: "wrong" | "correct";
  /** For "wrong": the task whose tests must catch it. */
  task?: number;
  /** What a learner did, in a few words (shown when the check fails). */
  why: string;
  /** [find, replace] pairs applied to the solution's text; each find occurs exactly once. */
  edits: ReadonlyArray<readonly [string, string]>;
  /** For "wrong": the failure message the learner sees must match this (names the mistake). */
  mentions?: RegExp;
}

export const MUTANTS_DIR = join(ROOT, "shared", "authoring", "mutants");

export async function mutantsFor(lesson: Lesson): Promise<Mutant[]> {
  const file = join(MUTANTS_DIR, `${lesson.slug}.ts`);
  if (!existsSync(file)) return [];
  const module = (await import(pathToFileURL(file).href)) as { default: Mutant[] };
  return module.default;
}

/** Applies a case's edits to the solution's text; throws when a find is missing or ambiguous. */
export function applyEdits(source: string, mutant: Mutant): string {
  let text = source;
  for (const [find, replace] of mutant.edits) {
    const first = text.indexOf(find);
    if (first < 0) throw new Error(`🚨 mutant "${mutant.why}": ${JSON.stringify(find)} is not in the solution (did it change?)`);
    if (text.indexOf(find, first + 1) >= 0) throw new Error(`🚨 mutant "${mutant.why}": ${JSON.stringify(find)} occurs more than once; make it longer`);
    text = text.slice(0, first) + replace + text.slice(first + find.length);
  }
  return text;
}

/** Writes the mutated solution beside the other derived files (so its ../shared imports resolve) and returns its path. */
export function writeMutant(lesson: Lesson, index: number, mutant: Mutant): string {
  const dir = PRISTINE_DIR;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${lesson.slug}.mutant${index}.ts`);
  writeFileSync(path, applyEdits(readFileSync(lesson.solutionPath, "utf8"), mutant));
  return path;
}
