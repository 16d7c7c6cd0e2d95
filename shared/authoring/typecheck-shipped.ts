/**
 * `npm test`'s type check (and `npm run typecheck`): the whole workbook as
 * `tsc --noEmit` sees it, except that every lessons/NN-topic.ts is read as
 * shipped (derived from its solution), not as the learner left it. The lesson
 * tests `import type * as Lesson from "./NN-topic.ts"`, so a plain `tsc` over
 * the repository would stop `npm test` on a type error in the learner's own
 * work; the learner hears about those from `npm run verify -- NN` instead.
 */
import { listLessons } from "../workbook/lessons.ts";
import { typecheck } from "../workbook/typecheck.ts";
import { formatTypeErrors } from "../workbook/typecheck-format.ts";
import { pristineSource } from "./pristine.ts";

const sources = new Map(listLessons().map((lesson) => [lesson.lessonPath, pristineSource(lesson)]));
const errors = typecheck({ sources });
if (errors.length > 0) {
  console.error(formatTypeErrors(errors).join("\n"));
  console.error(`\n🚨 ${errors.length} type error(s) in the workbook as shipped (lessons/ read as derived from solutions/).`);
  process.exit(1);
}
console.log(`Type check: no errors (${sources.size} lessons read as shipped).`);
