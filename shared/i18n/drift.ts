/**
 * Does a Chinese text still match its English source where it must? The
 * rules (from the edition's brief, issue 17):
 *   - a well-formed stamp on line 1, naming the right English file;
 *   - the same tasks in the same order (`## Task N: …` ↔ `## 任务 N：…`);
 *   - the same number of hints per task, and the answer tier's code spans byte for byte;
 *   - the same number of `##` and of `###` headings;
 *   - every fenced code block identical outside its comments (see code-comments.ts);
 *   - every relative link resolves, and points at the Chinese text where one exists;
 * and, across the repository, every English text has a Chinese twin.
 * Each problem names the file, the line and what to do.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, resolve } from "node:path";
import { commentStyle, withoutComments } from "./code-comments.ts";
import { chinesePathOf, chineseTexts, englishPathOf, englishTexts, GLOSSARY } from "./editions.ts";
import { codeSpans, parseStructure, type Fence } from "./markdown-structure.ts";
import { readStamp } from "./translation-stamp.ts";

export interface Problem {
  /** Relative to the repository root. */
  file: string;
  line: number;
  message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

const short = (text: string, max = 80) => JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);

/** The first line where two comment-free code blocks differ, or undefined when they match. */
function fenceDifference(english: Fence, chinese: Fence): { line: number; expected: string; found: string } | undefined {
  const style = commentStyle(english.lang);
  const a = withoutComments(english.body, style);
  const b = withoutComments(chinese.body, style);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]?.text === b[i]?.text) continue;
    const at = b[i]?.from ?? chinese.body.length;
    return { line: chinese.line + 1 + at, expected: a[i]?.text ?? "(end of block)", found: b[i]?.text ?? "(end of block)" };
  }
  return undefined;
}

/**
 * Compares one Chinese text with its English source.
 * `root` resolves links; `chinesePath` and `englishPath` are relative to it.
 */
export function checkPair(root: string, chinesePath: string, chineseText: string, englishPath: string | undefined, englishText: string | undefined): Problem[] {
  const problems: Problem[] = [];
  const add = (line: number, message: string) => problems.push({ file: chinesePath, line, message });
  const expectedSource = englishPathOf(chinesePath);

  const stamp = readStamp(chineseText);
  if (stamp.kind === "invalid") add(1, stamp.why + (expectedSource ? `, e.g. <!-- zh-CN translation of ${expectedSource} @ sha256:$(sha256sum ${expectedSource} | cut -c1-12) -->` : ""));
  else if (stamp.kind === "translation" && expectedSource && stamp.source !== expectedSource) {
    add(1, `the stamp names ${stamp.source}, but this file translates ${expectedSource}: fix the path in the stamp.`);
  } else if (stamp.kind === "original" && expectedSource) {
    add(1, `this file translates ${expectedSource}, so its stamp must be <!-- zh-CN translation of ${expectedSource} @ sha256:… -->, not "original".`);
  }

  const zh = parseStructure(chineseText, "zh-CN");
  for (const link of zh.links) {
    const problem = linkProblem(root, chinesePath, link.target);
    if (problem) add(link.line, problem);
  }
  if (englishText === undefined || englishPath === undefined) return problems;
  const en = parseStructure(englishText, "en");
  const at = (line: number) => `${englishPath}:${line}`;

  // Tasks, then their hints.
  chineseText.split("\n").forEach((line, index) => {
    if (/<summary>\s*Hints\s*<\/summary>/i.test(line)) add(index + 1, `the hints block is labelled "Hints": write <summary>提示</summary>.`);
  });
  for (const task of zh.tasks) {
    if (!task.wellFormed) add(task.line, `task heading ${short(task.heading)} must read "## 任务 ${task.task}：标题" (任务, a space, the number, a full-width colon ：, the title).`);
  }
  const enTasks = en.tasks.map((task) => task.task).join(", ") || "none";
  const zhTasks = zh.tasks.map((task) => task.task).join(", ") || "none";
  if (enTasks !== zhTasks) {
    const first = zh.tasks.find((task, i) => task.task !== en.tasks[i]?.task) ?? zh.tasks.at(-1);
    add(first?.line ?? 1, `tasks differ from the English: ${englishPath} has Task ${enTasks}, this text has 任务 ${zhTasks}. Give every "## Task N: …" a "## 任务 N：…" in the same order.`);
  } else {
    en.tasks.forEach((enTask, i) => {
      const zhTask = zh.tasks[i]!;
      if (enTask.hints.length !== zhTask.hints.length) {
        add(zhTask.line, `任务 ${zhTask.task} has ${zhTask.hints.length} hints, the English Task ${enTask.task} (${at(enTask.line)}) has ${enTask.hints.length}: translate each numbered hint one for one inside <details><summary>提示</summary>.`);
        return;
      }
      const enLast = enTask.hints.at(-1);
      const zhLast = zhTask.hints.at(-1);
      if (!enLast || !zhLast) return;
      const expected = codeSpans(enLast.text);
      const found = codeSpans(zhLast.text);
      const differs = expected.findIndex((span, k) => span !== found[k]);
      if (differs >= 0 || expected.length !== found.length) {
        const k = differs >= 0 ? differs : Math.min(expected.length, found.length);
        add(zhLast.line, `the last hint of 任务 ${zhTask.task} must keep the English code spans byte for byte (${at(enLast.line)}): span ${k + 1} should be ${short(`\`${expected[k] ?? "(none)"}\``)}, found ${short(`\`${found[k] ?? "(none)"}\``)}.`);
      }
    });
  }

  // Headings other than the tasks are translated freely, but keep their number.
  for (const level of [2, 3]) {
    const enCount = en.headings.filter((heading) => heading.level === level).length;
    const zhHeadings = zh.headings.filter((heading) => heading.level === level);
    if (enCount !== zhHeadings.length) {
      const marks = "#".repeat(level);
      add(zhHeadings[Math.min(enCount, zhHeadings.length) - 1]?.line ?? 1, `${zhHeadings.length} "${marks}" headings, the English has ${enCount}: translate each "${marks}" section of ${englishPath}, keeping their number and order.`);
    }
  }

  // Code blocks.
  if (en.fences.length !== zh.fences.length) {
    const where = zh.fences[Math.min(en.fences.length, zh.fences.length)]?.line ?? zh.fences.at(-1)?.line ?? 1;
    add(where, `${zh.fences.length} code blocks, the English has ${en.fences.length}: copy every fenced block of ${englishPath}, translating only its comments.`);
  } else {
    en.fences.forEach((enFence, i) => {
      const zhFence = zh.fences[i]!;
      if (enFence.lang !== zhFence.lang) {
        add(zhFence.line, `this code block is fenced as ${short(zhFence.lang || "(none)")}, the English one (${at(enFence.line)}) as ${short(enFence.lang || "(none)")}: use the same language tag.`);
        return;
      }
      const difference = fenceDifference(enFence, zhFence);
      if (!difference) return;
      const what = commentStyle(enFence.lang) === "none" ? "this block is output or data and is copied unchanged" : "only comments are translated";
      add(difference.line, `code block differs from the English (${at(enFence.line)}) outside its comments: expected ${short(difference.expected)}, found ${short(difference.found)}. Copy the code byte for byte (${what}).`);
    });
  }
  return problems;
}

/** Why a relative link in a Chinese text is wrong, or undefined. */
function linkProblem(root: string, chinesePath: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#") || target.startsWith("//")) return undefined; // URLs, anchors
  const path = decodeURI(target.replace(/[?#].*$/, ""));
  if (!path) return undefined;
  const absolute = path.startsWith("/") ? join(root, path) : resolve(root, dirname(chinesePath), path);
  const fromRoot = normalize(relative(root, absolute)).split("\\").join("/");
  if (fromRoot.startsWith("..")) return `link ${short(target)} leaves the repository: link to a file inside it, or to a full https:// URL.`;
  if (!existsSync(absolute)) return `link ${short(target)} points to ${fromRoot}, which does not exist: fix the path (it is relative to ${dirname(chinesePath)}/).`;
  const twin = chinesePathOf(fromRoot);
  // A link to the text's own English source is the language switch ("English: README.md"), and meant.
  if (twin && twin !== chinesePath && existsSync(join(root, twin))) {
    const better = relative(dirname(join(root, chinesePath)), join(root, twin)).split("\\").join("/");
    return `link ${short(target)} points to the English ${fromRoot}, which has a Chinese text: link to ${better} instead.`;
  }
  return undefined;
}

/** English texts with no Chinese twin (and a missing glossary), as problems on the English file. */
export function untranslated(root: string): Problem[] {
  const missing = englishTexts(root)
    .filter((english) => !existsSync(join(root, chinesePathOf(english)!)))
    .map((english) => ({
      file: english,
      line: 1,
      message: `has no Chinese text: translate it into ${chinesePathOf(english)}, then \`npm run i18n:stamp -- ${chinesePathOf(english)}\` writes its stamp.`,
    }));
  if (!existsSync(join(root, GLOSSARY))) missing.push({ file: GLOSSARY, line: 1, message: "is missing: the edition's glossary (术语表) says which terms stay English and why; start it with <!-- zh-CN original -->." });
  return missing;
}

/** Every drift problem in the repository. */
export function checkAll(root: string): Problem[] {
  const problems: Problem[] = [];
  for (const chinese of chineseTexts(root)) {
    const english = englishPathOf(chinese);
    const englishFile = english && join(root, english);
    if (english && !existsSync(englishFile!)) {
      problems.push({ file: chinese, line: 1, message: `its English source ${english} does not exist: was it renamed or removed? Move or remove this text to match.` });
      continue;
    }
    problems.push(...checkPair(root, chinese, readFileSync(join(root, chinese), "utf8"), english, englishFile ? readFileSync(englishFile, "utf8") : undefined));
  }
  return [...problems, ...untranslated(root)];
}
