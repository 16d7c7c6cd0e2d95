/**
 * A lesson's text in the learner's language: lessons/zh-CN/NN-topic.md for
 * Chinese, lessons/NN-topic.md for English, and the English one (with a line
 * saying so, once per lesson and process) when the Chinese text is not written yet.
 * The parsing itself is shared/workbook/lesson-text.ts, which reads both editions.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { ROOT } from "../paths.ts";
import type { Lesson } from "../workbook/lessons.ts";
import { parseLessonText, type TaskText } from "../workbook/lesson-text.ts";
import { currentLang, type Lang } from "./lang.ts";
import { messages } from "./messages.ts";
import { ZH } from "./editions.ts";

export interface LocalText {
  /** The language actually used (English after a fallback). */
  lang: Lang;
  path: string;
  title: string;
  tasks: TaskText[];
}

export function chineseTextPath(lesson: Lesson): string {
  return join(dirname(lesson.textPath), ZH, basename(lesson.textPath));
}

const warned = new Set<string>();

/** `warn: false` for lists of every lesson (npm start's table), where a line per lesson would drown the table. */
export function lessonTextIn(lesson: Lesson, lang: Lang = currentLang(), warn = true): LocalText {
  if (lang === "zh-CN") {
    const path = chineseTextPath(lesson);
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      return { lang, path, title: /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? lesson.title, tasks: parseLessonText(text) };
    }
    if (warn && !warned.has(lesson.slug)) {
      warned.add(lesson.slug);
      console.log(messages(lang).noChineseText(lesson.id, relative(ROOT, path)));
    }
  }
  const tasks = existsSync(lesson.textPath) ? parseLessonText(readFileSync(lesson.textPath, "utf8")) : [];
  return { lang: "en", path: lesson.textPath, title: lesson.title, tasks };
}

/** The task's title in the learner's language, when the text has it. */
export function localTaskTitle(lesson: Lesson, task: number, lang: Lang = currentLang()): string | undefined {
  return lessonTextIn(lesson, lang, false).tasks.find((text) => text.task === task)?.title;
}

/** "Setup" from "Lesson 01: Setup"-style headings: the title up to its colon (either width). */
export function shortTitleOf(title: string): string {
  return title.split(/[:：]/)[0]!.trim();
}
