/**
 * Markdown to HTML with markdown-it: anchors on headings (markdown-it-anchor),
 * code highlighted at build time (highlight.js, so the page needs no script
 * for it), and links rewritten for the site (links.ts). It also returns the
 * page's headings and its text by section, for the sidebar and the search.
 */
import hljs from "highlight.js";
import MarkdownIt from "markdown-it";
import anchor from "markdown-it-anchor";
import type { SiteLinks } from "./links.ts";

type Token = ReturnType<InstanceType<typeof MarkdownIt>["parse"]>[number];
type Attributed = { attrGet(name: string): string | number | null; attrSet(name: string, value: string): void };

export interface Heading {
  level: number;
  id: string;
  text: string;
}

/** A page's text under one heading: one search result each, so a hit lands on its section. */
export interface Section {
  id: string;
  heading: string;
  text: string;
}

export interface Rendered {
  html: string;
  title: string;
  headings: Heading[];
  sections: Section[];
}

interface RenderEnv extends Record<PropertyKey, unknown> {
  fromFile: string;
  fromPage: string;
  links: SiteLinks;
}

/** Heading ids a reader can type: "Task 1: build the resource" → "task-1-build-the-resource". Keeps CJK letters. */
export function slugify(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const ALIASES: Record<string, string> = { sh: "bash", shell: "bash", console: "bash", js: "javascript", ts: "typescript", py: "python" };

/** Highlighted HTML for a code block (escaped plain text for an unknown or missing language: no guessing). */
export function highlight(code: string, language: string): string {
  const lang = ALIASES[language] ?? language;
  if (lang && hljs.getLanguage(lang)) return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  return escapeHtml(code);
}

export function codeBlock(code: string, language: string, label?: string): string {
  const caption = label ? `<div class="code-label">${escapeHtml(label)}</div>` : "";
  return `<div class="code">${caption}<pre><code class="hljs language-${escapeHtml(language)}">${highlight(code, language)}</code></pre></div>`;
}

/** Han characters, CJK punctuation (、。「」…) and full-width forms (，：；（）). */
const CJK = "\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef";
const CJK_END = new RegExp(`[${CJK}]$`, "u");
const CJK_START = new RegExp(`^[${CJK}]`, "u");

function createMarkdown(): InstanceType<typeof MarkdownIt> {
  const md = new MarkdownIt({
    // Lessons use raw HTML on purpose: <details> blocks for hints.
    html: true,
    linkify: true,
    highlight: (code, language) => `<pre><code class="hljs language-${escapeHtml(language || "text")}">${highlight(code, language)}</code></pre>`,
  });
  md.use(anchor, {
    level: [1, 2, 3, 4],
    slugify,
    permalink: anchor.permalink.linkInsideHeader({ symbol: "#", placement: "after", class: "anchor", ariaHidden: true }),
  });

  // Links and images: written relative to the markdown file, rewritten for the page.
  const rewrite = (token: Attributed, attr: string, env: RenderEnv | undefined) => {
    const value = token.attrGet(attr);
    if (value !== null && env?.links) token.attrSet(attr, env.links.resolve(String(value), env.fromFile, env.fromPage));
  };
  const defaultLink = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    rewrite(token, "href", env as RenderEnv | undefined);
    if (/^https?:/.test(String(token.attrGet("href") ?? ""))) token.attrSet("rel", "noopener");
    return defaultLink(tokens, idx, options, env, self);
  };
  const defaultImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    rewrite(tokens[idx]!, "src", env as RenderEnv | undefined);
    return defaultImage(tokens, idx, options, env, self);
  };
  // A line break inside a Chinese paragraph is not a word break. markdown-it
  // writes it as "\n", which Chromium draws as a space between two Han
  // characters (CSS Text 3 lets browsers drop it; Chromium does not), so the
  // break is dropped when both sides are CJK. English text keeps its "\n".
  md.renderer.rules.softbreak = (tokens, idx, options) =>
    CJK_END.test(tokens[idx - 1]?.content ?? "") && CJK_START.test(tokens[idx + 1]?.content ?? "") ? "" : options.breaks ? "<br>\n" : "\n";
  // Tables scroll on their own on a narrow screen instead of widening the page.
  md.renderer.rules.table_open = () => '<div class="table-wrap"><table>\n';
  md.renderer.rules.table_close = () => "</table></div>\n";
  return md;
}

const md = createMarkdown();

/**
 * Renders one markdown file for the page at `fromPage` (site-relative).
 * `fromFile` is the file's repo-relative path, which relative links start from.
 */
export function renderMarkdown(source: string, fromFile: string, fromPage: string, links: SiteLinks): Rendered {
  const env: RenderEnv = { fromFile, fromPage, links };
  const tokens = md.parse(source, env);
  const html = md.renderer.render(tokens, md.options, env);
  const { headings, sections } = outline(tokens);
  return { html, title: headings.find((h) => h.level === 1)?.text ?? fromFile, headings, sections };
}

/** Renders inline markdown (a one-line description) without a paragraph around it. */
export function renderInline(source: string): string {
  return md.renderInline(source);
}

/** Headings and the plain text under each, read from the token stream (no HTML scraping). */
function outline(tokens: Token[]): { headings: Heading[]; sections: Section[] } {
  const headings: Heading[] = [];
  const sections: Section[] = [];
  let current: Section = { id: "", heading: "", text: "" };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === "heading_open") {
      const text = plainText(tokens[i + 1]!);
      const id = String(token.attrGet("id") ?? "");
      headings.push({ level: Number(token.tag.slice(1)), id, text });
      if (current.text.trim() || current.heading) sections.push(current);
      current = { id, heading: text, text: "" };
      i += 2; // inline + heading_close
    } else if (token.type === "inline") {
      current.text += `${plainText(token)} `;
    } else if (token.type === "fence" || token.type === "code_block") {
      current.text += `${token.content} `;
    }
  }
  if (current.text.trim() || current.heading) sections.push(current);
  return { headings, sections };
}

function plainText(inline: Token): string {
  return (inline.children ?? [])
    .filter((child) => child.type === "text" || child.type === "code_inline")
    .map((child) => child.content)
    .join("")
    .trim();
}
