/** Where the lessons are, and turning what a learner types ("3", "03", "03-propagation") into one. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.ts";

export interface Lesson {
  /** "03" */
  id: string;
  /** "03-propagation" */
  slug: string;
  /** The first heading of lessons/NN-topic.md. */
  title: string;
  /** The title up to its colon ("Setup"), for tables. */
  shortTitle: string;
  lessonPath: string;
  solutionPath: string;
  testPath: string;
  textPath: string;
}

const SLUG = /^(\d\d)-[a-z0-9-]+$/;

/**
 * Every lesson that has a test file and a solution, in order. A lesson whose
 * solution has gone missing (deleted by a lesson's code, say) is still listed,
 * so commands can say what is missing instead of "there is no lesson 03".
 */
export function listLessons(root = ROOT): Lesson[] {
  const slugs = new Set<string>();
  for (const [folder, suffix] of [["solutions", ".ts"], ["lessons", ".test.ts"]] as const) {
    const dir = join(root, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      const slug = file.endsWith(suffix) ? file.slice(0, -suffix.length) : "";
      if (SLUG.test(slug)) slugs.add(slug);
    }
  }
  return [...slugs]
    .map((slug) => lessonAt(root, slug))
    .filter((lesson) => existsSync(lesson.testPath) && (existsSync(lesson.solutionPath) || existsSync(lesson.lessonPath)))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/** The solution is gone: say so, and how to get it back (it is part of the workbook, in git). */
export function missingSolutionMessage(lesson: Lesson): string | undefined {
  if (existsSync(lesson.solutionPath)) return undefined;
  const path = `solutions/${lesson.slug}.ts`;
  return `🚨 ${path} is missing (deleted, perhaps by code in the lesson). The workbook needs it to check lesson ${lesson.id}. Get it back with: git checkout -- ${path}`;
}

function lessonAt(root: string, slug: string): Lesson {
  const textPath = join(root, "lessons", `${slug}.md`);
  const heading = existsSync(textPath) ? /^#\s+(.+)$/m.exec(readFileSync(textPath, "utf8"))?.[1] : undefined;
  return {
    id: slug.slice(0, 2),
    slug,
    title: heading?.trim() ?? slug,
    shortTitle: (heading?.split(":")[0] ?? slug).trim(),
    lessonPath: join(root, "lessons", `${slug}.ts`),
    solutionPath: join(root, "solutions", `${slug}.ts`),
    testPath: join(root, "lessons", `${slug}.test.ts`),
    textPath,
  };
}

export class UnknownLessonError extends Error {
  override name = "UnknownLessonError";
}

export function findLesson(arg: string, lessons = listLessons()): Lesson {
  const wanted = arg.trim().replace(/^.*\//, "").replace(/(\.test)?\.(ts|md)$/, "");
  const number = /^\d{1,2}$/.test(wanted) ? wanted.padStart(2, "0") : undefined;
  const found = lessons.find((lesson) => lesson.slug === wanted || lesson.id === number);
  if (found) return found;
  const list = lessons.map((lesson) => `     ${lesson.id}  ${lesson.title}`).join("\n");
  throw new UnknownLessonError(`🚨 there is no lesson "${arg}". The lessons are:\n${list}\n   Give the number, e.g. 01.`);
}
