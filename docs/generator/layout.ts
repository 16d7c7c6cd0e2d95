/**
 * The HTML around every page: sidebar (lessons, guides, this page's
 * sections), search box, theme switch, previous/next. Every URL is relative,
 * so the same files work from file:// and from `npm run docs:serve`, and
 * nothing is fetched from the network: styles, scripts and the search index
 * are files of the site.
 */
import type { Heading } from "./markdown.ts";
import { escapeHtml } from "./markdown.ts";
import { relativeHref, rootPrefix } from "./links.ts";

export interface NavEntry {
  /** Site-relative path, e.g. "lessons/01-setup.html". */
  path: string;
  title: string;
  /** Shown before the title in the sidebar, e.g. "01". */
  badge?: string;
}

export interface Navigation {
  lessons: NavEntry[];
  guides: NavEntry[];
}

export interface PageOptions {
  path: string;
  title: string;
  body: string;
  nav: Navigation;
  /** This page's sections, listed under it in the sidebar. */
  headings?: Heading[];
  /** Page order for previous/next (lessons then guides). */
  sequence?: NavEntry[];
}

export const SITE_TITLE = "OpenTelemetry for AI agents";

export function renderPage({ path, title, body, nav, headings = [], sequence = [] }: PageOptions): string {
  const root = rootPrefix(path);
  const href = (to: string) => relativeHref(path, to);
  const link = (entry: NavEntry) => {
    const current = entry.path === path;
    const sub = current
      ? headings
          .filter((heading) => heading.level === 2)
          .map((heading) => `<li><a href="#${escapeHtml(heading.id)}">${escapeHtml(heading.text)}</a></li>`)
          .join("")
      : "";
    return `<li${current ? ' class="current"' : ""}><a href="${href(entry.path)}"${current ? ' aria-current="page"' : ""}>` +
      `${entry.badge ? `<span class="badge">${escapeHtml(entry.badge)}</span>` : ""}${escapeHtml(entry.title)}</a>` +
      `${sub ? `<ul class="toc">${sub}</ul>` : ""}</li>`;
  };

  const position = sequence.findIndex((entry) => entry.path === path);
  const previous = position > 0 ? sequence[position - 1] : undefined;
  const next = position >= 0 ? sequence[position + 1] : undefined;
  const pager = position >= 0
    ? `<nav class="pager" aria-label="Previous and next">` +
      (previous ? `<a class="prev" rel="prev" href="${href(previous.path)}"><span>← Previous</span>${escapeHtml(previous.title)}</a>` : "<span></span>") +
      (next ? `<a class="next" rel="next" href="${href(next.path)}"><span>Next →</span>${escapeHtml(next.title)}</a>` : "<span></span>") +
      `</nav>`
    : "";

  return `<!doctype html>
<html lang="en" data-root="${root}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title === SITE_TITLE ? title : `${title} · ${SITE_TITLE}`)}</title>
<link rel="icon" href="${root}assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${root}assets/site.css">
<script>
// Before the first paint, so a dark-theme reader never sees a white flash.
try { var t = localStorage.getItem("workbook-theme"); if (t) document.documentElement.dataset.theme = t; } catch (e) {}
</script>
<script defer src="${root}assets/minisearch.js"></script>
<script defer src="${root}assets/search-index.js"></script>
<script defer src="${root}assets/site.js"></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="topbar">
  <button class="menu-button" type="button" aria-label="Show navigation" aria-expanded="false">☰</button>
  <a class="brand" href="${href("index.html")}">${escapeHtml(SITE_TITLE)}</a>
  <div class="search" role="search">
    <input id="search" type="search" placeholder="Search  ( / )" aria-label="Search the workbook" autocomplete="off">
    <ol id="search-results" class="search-results" hidden></ol>
  </div>
  <button class="theme-button" type="button" aria-label="Switch between light and dark theme" title="Light / dark theme">◐</button>
</header>
<div class="layout">
<nav class="sidebar" aria-label="Workbook">
  <p class="nav-heading"><a href="${href("index.html")}">Start here</a></p>
  <p class="nav-heading">Lessons</p>
  <ul>${nav.lessons.map(link).join("")}</ul>
  <p class="nav-heading">Guides</p>
  <ul>${nav.guides.map(link).join("")}</ul>
</nav>
<main id="content" class="content">
${body}
${pager}
</main>
</div>
</body>
</html>
`;
}
