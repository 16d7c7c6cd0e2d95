/**
 * Builds the whole site into one folder:
 *
 *   index.html               home: what the workbook teaches, how to start, the lessons
 *   lessons/NN-topic.html    one page per lesson, with the real trace of its solution
 *   guides/NAME.html         docs/guides/*.md
 *   readme.html              the README (commands and settings)
 *   source/PATH.html         highlighted copies of repo files that pages link to
 *   assets/                  style, script, search index (all local: no network at view time)
 *
 * Lessons are whatever `listLessons()` finds, so the site grows as lessons land.
 */
import { availableParallelism } from "node:os";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import MiniSearch from "minisearch";
import { listLessons, type Lesson } from "../../shared/workbook/lessons.ts";
import { buildLessonPage, lessonPagePath } from "./lesson-page.ts";
import { renderPage, SITE_TITLE, type NavEntry, type Navigation } from "./layout.ts";
import { SiteLinks, sourcePagePath, type BrokenLink } from "./links.ts";
import { codeBlock, escapeHtml, renderInline, renderMarkdown, type Heading, type Section } from "./markdown.ts";
import { RunCache } from "./run-cache.ts";
import { mapLimited, runSolution, type SolutionRun } from "./run-solution.ts";

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
}

export async function buildSite({ root, outDir, concurrency, log = () => {}, cache = false }: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const lessons = listLessons(root);
  const guideFiles = listGuides(root);

  const pageByMarkdown = new Map<string, string>([["README.md", "readme.html"]]);
  for (const lesson of lessons) pageByMarkdown.set(`lessons/${lesson.slug}.md`, lessonPagePath(lesson));
  for (const guide of guideFiles) pageByMarkdown.set(`docs/guides/${guide}.md`, `guides/${guide}.html`);
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

  // 2. Pages.
  const pages: Page[] = [];
  lessons.forEach((lesson, index) => pages.push(buildLessonPage(lesson, runs[index]!, links)));
  for (const guide of guideFiles) {
    const path = `guides/${guide}.html`;
    const rendered = renderMarkdown(readFileSync(join(root, "docs/guides", `${guide}.md`), "utf8"), `docs/guides/${guide}.md`, path, links);
    pages.push({ path, title: rendered.title, body: `<article>${rendered.html}</article>`, headings: rendered.headings, sections: rendered.sections });
  }
  if (existsSync(join(root, "README.md"))) {
    const rendered = renderMarkdown(readFileSync(join(root, "README.md"), "utf8"), "README.md", "readme.html", links);
    pages.push({ path: "readme.html", title: "README: commands and settings", body: `<article>${rendered.html}</article>`, headings: rendered.headings, sections: rendered.sections });
  }
  pages.push(homePage(root, lessons, guideFiles, links));
  pages.push(...sourcePages(root, links));

  const nav: Navigation = {
    lessons: lessons.map((lesson) => ({ path: lessonPagePath(lesson), title: shortTitle(lesson.title), badge: lesson.id })),
    guides: [
      ...guideFiles.map((guide) => ({ path: `guides/${guide}.html`, title: pages.find((page) => page.path === `guides/${guide}.html`)!.title })),
      ...(existsSync(join(root, "README.md")) ? [{ path: "readme.html", title: "README: commands and settings" }] : []),
    ],
  };
  const sequence: NavEntry[] = [{ path: "index.html", title: "Start here" }, ...nav.lessons, ...nav.guides];

  // 3. Write. The output folder is ours alone: start it empty so removed pages disappear.
  rmSync(outDir, { recursive: true, force: true });
  for (const page of pages) {
    write(outDir, page.path, renderPage({ path: page.path, title: page.title, body: page.body, nav, headings: page.headings, sequence }));
  }
  writeAssets(root, outDir, pages);

  for (const broken of links.broken) log(`  ⚠ broken link in ${broken.from}: ${broken.href}`);
  const ms = performance.now() - started;
  log(`Built ${pages.length} pages into ${outDir} in ${(ms / 1000).toFixed(1)} s.`);
  return { pages: pages.map((page) => page.path), lessons: lessons.map((lesson, index) => ({ lesson, run: runs[index]! })), brokenLinks: links.broken, ms };
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

function homePage(root: string, lessons: Lesson[], guides: string[], links: SiteLinks): Page {
  const rendered = renderMarkdown(readFileSync(join(root, "docs/home.md"), "utf8"), "docs/home.md", "index.html", links);
  const summaries = lessonSummaries(root);
  const list = `<ol class="lesson-list">${lessons
    .map((lesson) => {
      const summary = summaries.get(lesson.slug) ?? firstParagraph(lesson.textPath);
      return `<li><a href="${lessonPagePath(lesson)}"><span class="badge">${lesson.id}</span><strong>${escapeHtml(lesson.title)}</strong></a>` +
        `${summary ? `<p>${renderInline(summary)}</p>` : ""}</li>`;
    })
    .join("")}</ol>`;
  const guideItems = guides.map((guide) => {
    const file = join(root, "docs/guides", `${guide}.md`);
    const title = /^#\s+(.+)$/m.exec(readFileSync(file, "utf8"))?.[1]?.trim() ?? guide;
    const summary = firstParagraph(file);
    return `<li><a href="guides/${guide}.html"><strong>${escapeHtml(title)}</strong></a>${summary ? `<p>${renderInline(summary)}</p>` : ""}</li>`;
  });
  guideItems.push(`<li><a href="readme.html"><strong>README: commands and settings</strong></a><p>Every command, and the <code>OTEL_*</code> variables that every lesson honours.</p></li>`);
  const html = rendered.html
    .replace("<!-- lesson-list -->", lessons.length ? list : "<p>No lessons yet.</p>")
    .replace("<!-- guide-list -->", `<ul class="lesson-list">${guideItems.join("")}</ul>`);
  return { path: "index.html", title: SITE_TITLE, body: `<article class="home">${html}</article>`, headings: rendered.headings, sections: rendered.sections };
}

/** The README's lesson table says in one line what each lesson teaches: reuse it. */
function lessonSummaries(root: string): Map<string, string> {
  const summaries = new Map<string, string>();
  if (!existsSync(join(root, "README.md"))) return summaries;
  for (const line of readFileSync(join(root, "README.md"), "utf8").split("\n")) {
    const row = /^\|\s*\d+\s*\|\s*\[[^\]]*\]\(lessons\/([^)]+)\.md\)\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
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
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return sentence.length > 220 ? `${sentence.slice(0, 217)}…` : sentence;
}

/** A highlighted copy of each repo file a page links to (and a listing for each folder). */
function sourcePages(root: string, links: SiteLinks): Page[] {
  const pages: Page[] = [];
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

/** Styles, scripts, and the search index, which is a script (not JSON) because file:// pages cannot fetch. */
function writeAssets(root: string, outDir: string, pages: Page[]): void {
  const assets = join(outDir, "assets");
  mkdirSync(assets, { recursive: true });
  for (const file of ["site.css", "site.js", "favicon.svg"]) copyFileSync(join(root, "docs/assets", file), join(assets, file));
  copyFileSync(join(root, "node_modules/minisearch/dist/umd/index.js"), join(assets, "minisearch.js"));

  const search = new MiniSearch({ fields: ["title", "heading", "text"], storeFields: ["title", "heading", "href"] });
  let id = 0;
  for (const page of pages) {
    if (page.path.startsWith("source/")) continue; // code copies would drown the prose
    for (const section of page.sections) {
      search.add({ id: id++, title: page.title, heading: section.heading, text: section.text, href: section.id ? `${page.path}#${section.id}` : page.path });
    }
  }
  writeFileSync(join(assets, "search-index.js"), `window.WORKBOOK_SEARCH = ${JSON.stringify(search)};\n`);
}
