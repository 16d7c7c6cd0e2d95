/** Prints RunResults for a learner: one line per task, the first 🚨 of each failing task. */
import { relative } from "node:path";
import { ROOT } from "../paths.ts";
import type { Lesson } from "./lessons.ts";
import type { TypeReport } from "./lesson-types.ts";
import type { CheckResult, RunResult } from "./run-tests.ts";
import { formatTypeErrors } from "./typecheck-format.ts";
import { lessonTextIn } from "../i18n/lesson-text.ts";
import { messages } from "../i18n/messages.ts";

const useColor = !process.env.NO_COLOR && (Boolean(process.env.FORCE_COLOR) || process.stdout.isTTY === true);
const paint = (code: string) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
export const green = paint("32");
export const red = paint("31");
export const dim = paint("2");
export const bold = paint("1");

function indent(text: string, prefix: string, maxLines = 8): string {
  const lines = text.trim().split("\n");
  const shown = lines.slice(0, maxLines).map((line) => `${prefix}${line}`);
  if (lines.length > maxLines) shown.push(`${prefix}${dim(`… ${lines.length - maxLines} more lines`)}`);
  return shown.join("\n");
}

/** Pads to a column width, counting a CJK character as two columns (as terminals draw it). */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** Terminal columns a text takes: CJK characters take two. */
export function columnsOf(text: string): number {
  return [...text].reduce((sum, char) => sum + (WIDE.test(char) ? 2 : 1), 0);
}

export function padWide(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - columnsOf(text)));
}

/** The text cut to `width` columns (ending in "…" when cut), then padded to it: one table cell. */
export function fitWide(text: string, width: number): string {
  if (columnsOf(text) <= width) return padWide(text, width);
  let cut = "";
  for (const char of text) {
    if (columnsOf(cut + char) > width - 1) break;
    cut += char;
  }
  return padWide(`${cut.trimEnd()}…`, width);
}

/** The whole-lesson checks (describes that are not a task) that fail, for start and hint. */
export function failingChecks(result: Pick<RunResult, "checks">): CheckResult[] {
  return (result.checks ?? []).filter((check) => !check.passed);
}

/** "the whole-lesson check "X" fails: <its first 🚨 line>" */
export function describeCheck(check: Pick<CheckResult, "name" | "failures">): string {
  const first = check.failures[0];
  const says = first?.message.split("\n").find((line) => line.includes("🚨")) ?? first?.message.split("\n")[0];
  return `the whole-lesson check "${check.name}" fails${first ? ` in "${first.test}"` : ""}${says ? `: ${says.trim()}` : ""}`;
}

/** Type errors in the learner's file, one per line with file:line:column (verify and watch). */
export function formatTypeReport(types: TypeReport | undefined): string[] {
  if (!types) return [];
  if (types.problem) return [dim(`  (TypeScript: ${types.problem})`)];
  if (types.errors.length === 0) return [`  ${green("✓")} ${messages().noTypeErrors}`];
  return [
    `  ${red("✗")} ${messages().typeErrors(types.errors.length)}`,
    ...formatTypeErrors(types.errors.slice(0, 10)).map((line) => `      ${line}`),
    ...(types.errors.length > 10 ? [dim(`      … ${types.errors.length - 10} more`)] : []),
  ];
}

export function formatLessonResult(lesson: Lesson, result: RunResult, file: string, types?: TypeReport): string {
  const say = messages();
  // Task titles and the text to read in the learner's language; the tests' 🚨 messages stay English.
  const text = lessonTextIn(lesson);
  const titles = new Map(text.tasks.map((entry) => [entry.task, entry.title]));
  const out: string[] = [bold(say.lessonHeading(lesson.id, text.title)) + dim(`  (${relative(ROOT, file)})`)];
  if (result.problem) {
    out.push(indent(result.problem, "  "));
    // Our own 🚨 message already says what went wrong (once); raw output only when there is nothing better.
    const details = result.output.trim();
    if (details && !result.problem.includes("🚨")) out.push(dim(indent(details, "  │ ", 12)));
    return out.join("\n");
  }
  for (const task of result.tasks) {
    const mark = task.passed ? green("✓") : red("✗");
    out.push(`  ${mark} ${say.taskLine(task.task, titles.get(task.task) || task.title)}${task.passed ? dim(`  ${say.testsCount(task.tests)}`) : ""}`);
    const first = task.failures[0];
    if (first) {
      out.push(dim(`      ${first.test}:`));
      out.push(indent(first.message, "      "));
      if (task.failures.length > 1) out.push(dim(`      ${say.moreFailing(task.failures.length - 1)}`));
    }
  }
  out.push(...formatTypeReport(types));
  const done = result.tasks.filter((task) => task.passed).length;
  const next = result.tasks.find((task) => !task.passed);
  // Checks of the whole (e.g. the complete trace) only mean something once every task passes.
  if (!next) {
    for (const check of result.checks ?? []) {
      out.push(`  ${check.passed ? green("✓") : red("✗")} ${check.name}`);
      const first = check.failures[0];
      if (first) out.push(dim(`      ${first.test}:`), indent(first.message, "      "));
    }
  }
  out.push(
    next
      ? `  ${say.tasksDoneNext(done, result.tasks.length, next.task, relative(ROOT, file), relative(ROOT, text.path))}`
      : result.ok
        ? green(`  ${say.lessonComplete(done, result.tasks.length)}`)
        : red(`  ${say.tasksPassBut(done, result.tasks.length, failingChecks(result).map(describeCheck).join("; ") || say.wholeLessonCheckFails)}`),
  );
  return out.join("\n");
}
