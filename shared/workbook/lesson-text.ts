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
  // Where the current item's text starts ("3. " is 3 columns), and whether we are inside a ``` block in it.
  let itemIndent = 0;
  let inCode = false;
  for (const raw of markdown.split("\n")) {
    const line = raw.trimEnd();
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
      const item = inCode ? null : /^(\s*\d+\.\s+)(.*)$/.exec(line);
      if (item) {
        current.hints.push(item[2] ?? "");
        itemIndent = item[1]!.length;
        inCode = /^```/.test(item[2] ?? "");
      } else if ((line.trim() || inCode) && current.hints.length) {
        // A hint that goes on over more lines: drop the list item's own indentation, keep the
        // rest, so code inside the hint keeps its shape (and its blank lines).
        const text = line.replace(new RegExp(`^ {0,${itemIndent}}`), "");
        const fence = /^```/.test(text.trim());
        const keepIndent = inCode || fence;
        if (fence) inCode = !inCode;
        current.hints[current.hints.length - 1] += `\n${keepIndent ? text : text.trim()}`;
      }
    }
  }
  for (const task of tasks) task.hints = task.hints.map((hint) => hint.trimEnd());
  return tasks;
}

export function readLessonText(lesson: Lesson): TaskText[] {
  return existsSync(lesson.textPath) ? parseLessonText(readFileSync(lesson.textPath, "utf8")) : [];
}
