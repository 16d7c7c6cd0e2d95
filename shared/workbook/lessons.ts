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

/** Every lesson that has a solution and a test file, in order. */
export function listLessons(root = ROOT): Lesson[] {
  const solutions = join(root, "solutions");
  if (!existsSync(solutions)) return [];
  return readdirSync(solutions)
    .filter((file) => file.endsWith(".ts") && SLUG.test(file.slice(0, -3)))
    .map((file) => lessonAt(root, file.slice(0, -3)))
    .filter((lesson) => existsSync(lesson.testPath))
    .sort((a, b) => a.slug.localeCompare(b.slug));
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
