/**
 * Reads a lesson's text (lessons/NN-topic.md): its `## Task N: title`
 * sections and, under each, the tiered hints block
 *
 *   <details>
 *   <summary>Hints</summary>
 *
 *   1. a nudge
 *   2. the API to use
 *   3. the shape of the code
 *
 *   </details>
 */
import { existsSync, readFileSync } from "node:fs";
import type { Lesson } from "./lessons.ts";

export interface TaskText {
  task: number;
  title: string;
  /** In order: nudge, API, shape of the code. */
  hints: string[];
}

// The Chinese edition writes "## 任务 N：标题" (full-width colon) and "<summary>提示</summary>".
const TASK_HEADING = /^##\s+(?:Task|任务)\s+(\d+)\s*[:.：]?\s*(.*)$/;

export function parseLessonText(markdown: string): TaskText[] {
  const tasks: TaskText[] = [];
  let current: TaskText | undefined;
  let inHints = false;
  for (const line of markdown.split("\n")) {
    const heading = TASK_HEADING.exec(line);
    if (heading) {
      current = { task: Number(heading[1]), title: (heading[2] ?? "").trim(), hints: [] };
      tasks.push(current);
      inHints = false;
      continue;
    }
    if (/^##\s/.test(line)) {
      current = undefined; // "## When you are done" and the like
      continue;
    }
    if (!current) continue;
    if (/<summary>\s*(?:Hints|提示)\s*<\/summary>/i.test(line)) inHints = true;
    else if (/<\/details>/i.test(line)) inHints = false;
    else if (inHints) {
      const item = /^\s*\d+\.\s+(.*)$/.exec(line);
      if (item) current.hints.push(item[1] ?? "");
      else if (line.trim() && current.hints.length) {
        // A hint that wraps onto more lines.
        current.hints[current.hints.length - 1] += `\n${line.trim()}`;
      }
    }
  }
  return tasks;
}

export function readLessonText(lesson: Lesson): TaskText[] {
  return existsSync(lesson.textPath) ? parseLessonText(readFileSync(lesson.textPath, "utf8")) : [];
}
