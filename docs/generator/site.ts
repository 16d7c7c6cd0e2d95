/**
 * Builds the whole site into one folder:
 *
 *   index.html               home: what the workbook teaches, how to start, the lessons
 *   lessons/NN-topic.html    one page per lesson, with the real trace of its solution
 *   guides/NAME.html         docs/guides/*.md
 *   readme.html              the README (commands and settings)
 *   source/PATH.html         highlighted copies of repo files that pages link to
 *   zh-CN/…                  the Chinese edition: the same pages from lessons/zh-CN/, docs/zh-CN/ and
 *                            README.zh-CN.md, with the same traces (each solution runs once), plus zh-CN/glossary.html
 *   assets/                  style, script, one search index per language (all local: no network at view time)
 *
 * Lessons are whatever `listLessons()` finds, so the site grows as lessons land.
 */
import { availableParallelism } from "node:os";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { listLessons, type Lesson } from "../../shared/workbook/lessons.ts";
import { buildLessonPage, lessonPagePath } from "./lesson-page.ts";
import { renderPage, type NavEntry, type Navigation } from "./layout.ts";
import { LABELS } from "./labels.ts";
import { chinesePathOf, GLOSSARY } from "../../shared/i18n/editions.ts";
import type { Lang } from "../../shared/i18n/lang.ts";
import { relativeHref, SiteLinks, sourcePagePath, type BrokenLink } from "./links.ts";
import { codeBlock, escapeHtml, renderInline, renderMarkdown, type Heading, type Section } from "./markdown.ts";
import { RunCache } from "./run-cache.ts";
import { mapLimited, runSolution, type SolutionRun } from "./run-solution.ts";
import { searchIndexPath, writeSearchIndexes } from "./search-index.ts";

/** Guides in reading order; any other docs/guides/*.md follows alphabetically. */
const GUIDE_ORDER = ["best-practices", "integration", "backends", "troubleshooting", "upgrading-to-sdk-3"];

export interface BuildOptions {
  root: string;
  outDir: string;
  /** Solutions run at once. Default: twice the cores (a run mostly waits on startup and timers), at most 6. */
  concurrency?: number;
  log?: (line: string) => void;
  /** Reuse solution runs whose inputs have not changed (see run-cache.ts). Default false: tests always run them. */
  cache?: boolean;
}

export interface BuildResult {
  pages: string[];
  lessons: { lesson: Lesson; run: SolutionRun }[];
  brokenLinks: BrokenLink[];
  ms: number;
}

interface Page {
  path: string;
  title: string;
  body: string;
  headings: Heading[];
  sections: Section[];
  lang: Lang;
}

export async function buildSite({ root, outDir, concurrency, log = () => {}, cache = false }: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const lessons = listLessons(root);
  const guideFiles = listGuides(root);

  // Both editions in one map: a link in a Chinese text to lessons/zh-CN/04-….md reaches the Chinese page,
  // a link to an English file with no translation reaches the English page.
  const pageByMarkdown = new Map<string, string>([["README.md", "readme.html"], ["docs/home.md", "index.html"]]);
  for (const lesson of lessons) pageByMarkdown.set(`lessons/${lesson.slug}.md`, lessonPagePath(lesson));
  for (const guide of guideFiles) pageByMarkdown.set(`docs/guides/${guide}.md`, `guides/${guide}.html`);
  for (const [english, page] of [...pageByMarkdown]) {
    const chinese = chinesePathOf(english);
    if (chinese && existsSync(join(root, chinese))) pageByMarkdown.set(chinese, `zh-CN/${page}`);
  }
  if (existsSync(join(root, GLOSSARY))) pageByMarkdown.set(GLOSSARY, "zh-CN/glossary.html");
  const links = new SiteLinks(root, pageByMarkdown);

  // 1. Run every solution: the slow part, so in parallel, with timings.
  const limit = concurrency ?? Math.max(2, Math.min(availableParallelism() * 2, 6));
  log(`Running ${lessons.length} solution${lessons.length === 1 ? "" : "s"} (${limit} at a time) to record their traces…`);
  const runCache = cache ? new RunCache(root) : undefined;
  const runs = await mapLimited(lessons, limit, async (lesson) => {
    const cached = runCache?.get(lesson);
    const run = cached ?? (await runSolution(lesson, root));
    if (!cached) runCache?.set(lesson, run);
    const status = run.timedOut ? "  ⚠ timed out" : run.exitCode !== 0 ? `  ⚠ exit ${run.exitCode}` : "";
    const time = cached ? "cached" : `${(run.ms / 1000).toFixed(1)} s`;
    log(`  ${lesson.slug.padEnd(28)} ${time.padStart(7)}  ${String(run.spans.length).padStart(4)} spans${run.metrics.length ? `  ${run.metrics.length} metrics` : ""}${status}`);
    return run;
  });

  // 2. Pages, English first (its page paths name the twins), then the Chinese edition from the same runs.
  const english = editionPages("en", root, lessons, runs, guideFiles, links);
  const chinese = existsSync(join(root, "docs/zh-CN/home.md")) ? editionPages("zh-CN", root, lessons, runs, guideFiles, links) : undefined;
  if (!chinese) log("  (no docs/zh-CN/home.md: the Chinese edition is not built)");
  const sources = sourcePages(root, links).map((page) => ({ ...page, lang: "en" as const }));
  const pages: Page[] = [...english.pages, ...(chinese?.pages ?? []), ...sources];

  // 3. Write. The output folder is ours alone: start it empty so removed pages disappear.
  rmSync(outDir, { recursive: true, force: true });
  const paths = new Set(pages.map((page) => page.path));
  for (const page of pages) {
    const edition = page.lang === "en" ? english : chinese!;
    write(outDir, page.path, renderPage({
      path: page.path,
      title: page.title,
      body: page.body,
      nav: edition.nav,
      headings: page.headings,
      sequence: edition.sequence,
      lang: page.lang,
      twin: twinOf(page, paths, chinese !== undefined),
      searchIndex: searchIndexPath(page.lang),
    }));
  }
  writeAssets(root, outDir, pages);

  for (const broken of links.broken) log(`  ⚠ broken link in ${broken.from}: ${broken.href}`);
  const ms = performance.now() - started;
  log(`Built ${pages.length} pages into ${outDir} in ${(ms / 1000).toFixed(1)} s.`);
  return { pages: pages.map((page) => page.path), lessons: lessons.map((lesson, index) => ({ lesson, run: runs[index]! })), brokenLinks: links.broken, ms };
}

/** Where a page's edition keeps it: "" for English, "zh-CN/" for Chinese. */
function prefix(lang: Lang): string {
  return lang === "en" ? "" : `${lang}/`;
}

/**
 * The same page in the other language, or that language's home when it has
 * no twin (a lesson not translated yet, the Chinese-only glossary). Source
 * copies are not translated and get no switch.
 */
function twinOf(page: Page, paths: ReadonlySet<string>, bilingual: boolean): string | undefined {
  if (!bilingual || page.path.startsWith("source/")) return undefined;
  const twin = page.lang === "en" ? `zh-CN/${page.path}` : page.path.slice("zh-CN/".length);
  return paths.has(twin) ? twin : page.lang === "en" ? "zh-CN/index.html" : "index.html";
}

interface Edition {
  pages: Page[];
  nav: Navigation;
  sequence: NavEntry[];
}

/** The markdown a page of this edition is built from: the English file, or its Chinese twin when there is one. */
function textFor(root: string, lang: Lang, englishFile: string): string | undefined {
  const file = lang === "en" ? englishFile : chinesePathOf(englishFile);
  return file && existsSync(join(root, file)) ? file : undefined;
}

/** Every page of one language's edition; nav entries fall back to the English page where a text is not translated. */
function editionPages(lang: Lang, root: string, lessons: Lesson[], runs: SolutionRun[], guideFiles: string[], links: SiteLinks): Edition {
  const label = LABELS[lang];
  const pages: Page[] = [];
  const lessonEntries: NavEntry[] = [];
  lessons.forEach((lesson, index) => {
    const textFile = textFor(root, lang, `lessons/${lesson.slug}.md`);
    if (!textFile) {
      lessonEntries.push({ path: lessonPagePath(lesson), title: shortTitle(lesson.title), badge: lesson.id });
      return;
    }
    const page = buildLessonPage(lesson, runs[index]!, links, { lang, textFile });
    pages.push({ ...page, lang });
    lessonEntries.push({ path: page.path, title: shortTitle(page.title), badge: lesson.id });
  });
  const guideEntries: NavEntry[] = [];
  for (const guide of guideFiles) {
    const source = textFor(root, lang, `docs/guides/${guide}.md`);
    const englishPath = `guides/${guide}.html`;
    if (!source) {
      guideEntries.push({ path: englishPath, title: titleOf(join(root, "docs/guides", `${guide}.md`), guide) });
      continue;
    }
    const path = `${prefix(lang)}${englishPath}`;
    const rendered = renderMarkdown(readFileSync(join(root, source), "utf8"), source, path, links);
    pages.push({ path, title: rendered.title, body: `<article>${rendered.html}</article>`, headings: rendered.headings, sections: rendered.sections, lang });
    guideEntries.push({ path, title: rendered.title });
  }
  if (lang !== "en" && existsSync(join(root, GLOSSARY))) {
    const path = `${prefix(lang)}glossary.html`;
    const rendered = renderMarkdown(readFileSync(join(root, GLOSSARY), "utf8"), GLOSSARY, path, links);
    pages.push({ path, title: rendered.title, body: `<article>${rendered.html}</article>`, headings: rendered.headings, sections: rendered.sections, lang });
    guideEntries.push({ path, title: rendered.title });
  }
  const readme = textFor(root, lang, "README.md");
  if (readme) {
    const path = `${prefix(lang)}readme.html`;
    const rendered = renderMarkdown(readFileSync(join(root, readme), "utf8"), readme, path, links);
    pages.push({ path, title: label.readmeTitle, body: `<article>${rendered.html}</article>`, headings: rendered.headings, sections: rendered.sections, lang });
    guideEntries.push({ path, title: label.readmeTitle });
  }
  pages.push({ ...homePage(root, lang, lessons, lessonEntries, guideEntries, links), lang });
  const nav: Navigation = { lessons: lessonEntries, guides: guideEntries };
  const sequence: NavEntry[] = [{ path: `${prefix(lang)}index.html`, title: label.startHere }, ...nav.lessons, ...nav.guides];
  return { pages, nav, sequence };
}

function titleOf(file: string, fallback: string): string {
  return /^#\s+(.+)$/m.exec(readFileSync(file, "utf8"))?.[1]?.trim() ?? fallback;
}

function listGuides(root: string): string[] {
  const dir = join(root, "docs/guides");
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((file) => file.endsWith(".md")).map((file) => file.slice(0, -3));
  const rank = (name: string) => (GUIDE_ORDER.includes(name) ? GUIDE_ORDER.indexOf(name) : GUIDE_ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** "Setup: resource, provider, globals…" → "Setup": the sidebar has little room. */
function shortTitle(title: string): string {
  return title.split(/[:：]/)[0]!.trim();
}

function homePage(root: string, lang: Lang, lessons: Lesson[], lessonEntries: NavEntry[], guideEntries: NavEntry[], links: SiteLinks): Omit<Page, "lang"> {
  const label = LABELS[lang];
  const path = `${prefix(lang)}index.html`;
  const source = textFor(root, lang, "docs/home.md")!;
  const rendered = renderMarkdown(readFileSync(join(root, source), "utf8"), source, path, links);
  const summaries = lessonSummaries(root, textFor(root, lang, "README.md"));
  const list = `<ol class="lesson-list">${lessons
    .map((lesson, index) => {
      const entry = lessonEntries[index]!;
      const textFile = textFor(root, lang, `lessons/${lesson.slug}.md`);
      const title = textFile ? titleOf(join(root, textFile), lesson.title) : lesson.title;
      const summary = summaries.get(lesson.slug) ?? firstParagraph(join(root, textFile ?? `lessons/${lesson.slug}.md`));
      return `<li><a href="${relativeHref(path, entry.path)}"><span class="badge">${lesson.id}</span><strong>${escapeHtml(title)}</strong></a>` +
        `${summary ? `<p>${renderInline(summary)}</p>` : ""}</li>`;
    })
    .join("")}</ol>`;
  const guideItems = guideEntries.map((entry) => {
    const guide = /guides\/([^/]+)\.html$/.exec(entry.path)?.[1];
    const file = guide ? join(root, textFor(root, lang, `docs/guides/${guide}.md`) ?? `docs/guides/${guide}.md`) : undefined;
    const summary = entry.path.endsWith("readme.html") ? label.readmeSummary : file ? firstParagraph(file) && renderInline(firstParagraph(file)!) : undefined;
    return `<li><a href="${relativeHref(path, entry.path)}"><strong>${escapeHtml(entry.title)}</strong></a>${summary ? `<p>${summary}</p>` : ""}</li>`;
  });
  const html = rendered.html
    .replace("<!-- lesson-list -->", lessons.length ? list : `<p>${escapeHtml(label.noLessons)}</p>`)
    .replace("<!-- guide-list -->", `<ul class="lesson-list">${guideItems.join("")}</ul>`);
  return { path, title: label.siteTitle, body: `<article class="home">${html}</article>`, headings: rendered.headings, sections: rendered.sections };
}

/** The README's lesson table says in one line what each lesson teaches: reuse it. */
function lessonSummaries(root: string, readme: string | undefined): Map<string, string> {
  const summaries = new Map<string, string>();
  if (!readme) return summaries;
  for (const line of readFileSync(join(root, readme), "utf8").split("\n")) {
    // The Chinese README links its rows to lessons/zh-CN/NN-topic.md.
    const row = /^\|\s*\d+\s*\|\s*\[[^\]]*\]\(lessons\/(?:zh-CN\/)?([^)]+)\.md\)\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (row) summaries.set(row[1]!, row[2]!);
  }
  return summaries;
}

/** Else the lesson's first paragraph of prose. */
function firstParagraph(textPath: string): string | undefined {
  if (!existsSync(textPath)) return undefined;
  const paragraphs = readFileSync(textPath, "utf8").split(/\n\s*\n/).map((p) => p.trim());
  const prose = paragraphs.find((p) => p && !/^(#|\*\*Seed|```|<|\||-|\d+\.)/.test(p));
  if (!prose) return undefined;
  // Links are relative to the lesson's file, not to the home page: keep their text only.
  const flat = prose.replace(/\s+/g, " ").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? /^(.+?[。！？])/.exec(flat)?.[1] ?? flat;
  return sentence.length > 220 ? `${sentence.slice(0, 217)}…` : sentence;
}

/** A highlighted copy of each repo file a page links to (and a listing for each folder). */
function sourcePages(root: string, links: SiteLinks): Omit<Page, "lang">[] {
  const pages: Omit<Page, "lang">[] = [];
  const done = new Set<string>();
  const queue = [...links.sources];
  while (queue.length) {
    const repoPath = queue.shift()!;
    if (done.has(repoPath)) continue;
    done.add(repoPath);
    const full = join(root, repoPath);
    if (statSync(full).isDirectory()) {
      const path = sourcePagePath(repoPath, true);
      const entries = readdirSync(full).filter((entry) => !entry.startsWith(".") && entry !== "node_modules").sort();
      const items = entries.map((entry) => {
        const child = posix.join(repoPath, entry);
        queue.push(child);
        const isDir = statSync(join(root, child)).isDirectory();
        return `<li><a href="${posix.relative(posix.dirname(path), sourcePagePath(child, isDir))}"><code>${escapeHtml(entry)}${isDir ? "/" : ""}</code></a></li>`;
      });
      pages.push({ path, title: `${repoPath}/`, body: `<article><h1><code>${escapeHtml(repoPath)}/</code></h1><ul class="file-list">${items.join("")}</ul></article>`, headings: [], sections: [] });
    } else {
      const path = sourcePagePath(repoPath, false);
      const text = readFileSync(full, "utf8");
      const language = languageOf(repoPath);
      pages.push({
        path,
        title: repoPath,
        body: `<article class="source"><h1><code>${escapeHtml(repoPath)}</code></h1><p class="muted">A copy of the file in the repository, as of this build.</p>${codeBlock(text, language)}</article>`,
        headings: [],
        sections: [],
      });
    }
  }
  return pages;
}

function languageOf(file: string): string {
  const ext = file.split(".").pop() ?? "";
  return ({ ts: "typescript", mjs: "javascript", js: "javascript", json: "json", md: "markdown", sh: "bash", yml: "yaml", yaml: "yaml" } as Record<string, string>)[ext] ??
    (file.endsWith("/run") ? "bash" : "text");
}

function write(outDir: string, path: string, content: string): void {
  const full = join(outDir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
}

/** Styles, scripts, and one search index per language (scripts, not JSON, because file:// pages cannot fetch). */
function writeAssets(root: string, outDir: string, pages: Page[]): void {
  const assets = join(outDir, "assets");
  mkdirSync(assets, { recursive: true });
  for (const file of ["site.css", "site.js", "favicon.svg", "search-tokenize.js"]) copyFileSync(join(root, "docs/assets", file), join(assets, file));
  copyFileSync(join(root, "node_modules/minisearch/dist/umd/index.js"), join(assets, "minisearch.js"));
  // Code copies would drown the prose.
  writeSearchIndexes(outDir, pages.filter((page) => !page.path.startsWith("source/")));
}
