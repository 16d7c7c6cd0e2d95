/**
 * The parts of a lesson/guide text that must match between editions, each
 * with its line number (1-based) so a drift report can point at it: task
 * headings and their hints, other headings, fenced code blocks, relative links.
 * Line-based on purpose: the texts follow one simple layout (see the lesson
 * contract), and a line number is what a translator needs.
 */
export interface Located {
  line: number;
}
export interface TaskSection extends Located {
  task: number;
  /** The heading as written, for messages. */
  heading: string;
  /** Does it follow its edition's form (`## Task N: …` / `## 任务 N：…`)? */
  wellFormed: boolean;
  hints: (Located & { text: string })[];
}
export interface Heading extends Located {
  level: number;
  text: string;
}
export interface Fence extends Located {
  lang: string;
  body: string[];
}
export interface Link extends Located {
  target: string;
}
export interface Structure {
  tasks: TaskSection[];
  headings: Heading[];
  fences: Fence[];
  links: Link[];
}

const ANY_TASK = /^##\s+(?:Task|任务)\s*(\d+)/;
const WELL_FORMED = { en: /^## Task (\d+): \S/, "zh-CN": /^## 任务 (\d+)：\S/ } as const;
// A fence may open a list item ("3. ```ts", in a hint): its body is indented to the item's text.
const FENCE = /^(\s*(?:\d+\.\s+|[-*+]\s+)?)(`{3,}|~{3,})\s*([^\s`]*)/;

/** Inline code spans (`x`, ``x ` y``), in order, as written between their backticks. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)].map((match) => match[2]!);
}

function linksIn(line: string): string[] {
  const prose = line.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, ""); // a link written inside code is an example, not a link
  const targets = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^)]*["'])?\s*\)/g)].map((match) => match[1]!);
  const reference = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose)?.[1];
  const html = [...prose.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((match) => match[1]!);
  return [...targets, ...(reference ? [reference] : []), ...html];
}

export function parseStructure(markdown: string, edition: "en" | "zh-CN"): Structure {
  const out: Structure = { tasks: [], headings: [], fences: [], links: [] };
  // The open fence, with its marker (``` or ~~~, and length) and indentation (a fence inside a list item is indented).
  let fence: { block: Fence; marker: string; indent: number } | undefined;
  let task: TaskSection | undefined;
  let inHints = false;
  markdown.split("\n").forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    const number = index + 1;
    const opening = FENCE.exec(line);
    if (fence) {
      const closing = opening && !/\S/.test(opening[1]!) && opening[2]![0] === fence.marker[0] && opening[2]!.length >= fence.marker.length && !opening[3];
      if (closing) fence = undefined;
      else fence.block.body.push(line.slice(Math.min(line.length - line.trimStart().length, fence.indent)));
      return;
    }
    if (opening) {
      fence = { block: { line: number, lang: opening[3]!.toLowerCase(), body: [] }, marker: opening[2]!, indent: opening[1]!.length };
      out.fences.push(fence.block);
      // A hint that is a code block still counts as a hint; its code is compared as a block, not as spans.
      if (task && inHints && /\d+\.\s/.test(opening[1]!)) task.hints.push({ line: number, text: "" });
      return;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      out.headings.push({ line: number, level: heading[1]!.length, text: heading[2]!.trim() });
      inHints = false;
      const taskHeading = heading[1] === "##" ? ANY_TASK.exec(line) : null;
      if (taskHeading) {
        task = { line: number, task: Number(taskHeading[1]), heading: line, wellFormed: WELL_FORMED[edition].test(line), hints: [] };
        out.tasks.push(task);
      } else if (heading[1] === "##") task = undefined;
    }
    for (const target of linksIn(line)) out.links.push({ line: number, target });
    if (!task) return;
    if (/<summary>\s*(?:Hints|提示)\s*<\/summary>/i.test(line)) inHints = true;
    else if (/<\/details>/i.test(line)) inHints = false;
    else if (inHints) {
      const item = /^\s*\d+\.\s+(.*)$/.exec(line);
      if (item) task.hints.push({ line: number, text: item[1]! });
      else if (line.trim() && task.hints.length) task.hints.at(-1)!.text += `\n${line.trim()}`;
    }
  });
  return out;
}
