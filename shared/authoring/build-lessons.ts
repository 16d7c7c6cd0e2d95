/**
 * `npm run lessons:build`: (re)writes lessons/NN-topic.ts from
 * solutions/NN-topic.ts with every TODO undone. For maintainers: edit the
 * solution, then run this. It overwrites lessons/, so it is not a learner's
 * command (learners restore one lesson with `npm run reset`).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { ROOT } from "../paths.ts";
import { listLessons } from "../workbook/lessons.ts";
import { pristineSource } from "./pristine.ts";

let changed = 0;
for (const lesson of listLessons()) {
  const source = pristineSource(lesson);
  const current = existsSync(lesson.lessonPath) ? readFileSync(lesson.lessonPath, "utf8") : undefined;
  if (current === source) continue;
  writeFileSync(lesson.lessonPath, source);
  changed++;
  console.log(`wrote ${relative(ROOT, lesson.lessonPath)}`);
}
console.log(changed ? `${changed} lesson file(s) rewritten from solutions/.` : "lessons/ already match solutions/.");
