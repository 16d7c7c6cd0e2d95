/**
 * npm run i18n:check: every Chinese text against its English source (see
 * drift.ts for the rules), and every English text that has no Chinese twin.
 * Exit 0 when all match, 1 with one line per problem (file:line: what to do).
 */
import { ROOT } from "../paths.ts";
import { chineseTexts } from "./editions.ts";
import { checkAll, formatProblem } from "./drift.ts";
import { isMain } from "../workbook/run-main.ts";

export function i18nCheck(root = ROOT): number {
  const problems = checkAll(root);
  if (problems.length === 0) {
    console.log(`✓ ${chineseTexts(root).length} Chinese texts match their English sources (tasks, hints, headings, code, links), and every English text has one.`);
    return 0;
  }
  for (const problem of problems) console.log(`🚨 ${formatProblem(problem)}`);
  console.log(`\n${problems.length} problem${problems.length === 1 ? "" : "s"}. The rules: shared/i18n/drift.ts.`);
  return 1;
}

if (isMain(import.meta.url)) process.exit(i18nCheck());
