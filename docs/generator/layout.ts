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
import type { Lang } from "../../shared/i18n/lang.ts";
import { LABELS } from "./labels.ts";

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
  /** The page's language: its <html lang>, its labels, its search index. Default English. */
  lang?: Lang;
  /** The same page in the other language (site-relative), or that language's home when there is no twin. */
  twin?: string;
  /** The search index script for this language (site-relative). */
  searchIndex?: string;
}

export const SITE_TITLE = LABELS.en.siteTitle;

export function renderPage({ path, title, body, nav, headings = [], sequence = [], lang = "en", twin, searchIndex = "assets/search-index.js" }: PageOptions): string {
  const root = rootPrefix(path);
  const label = LABELS[lang];
  const siteTitle = label.siteTitle;
  const home = lang === "en" ? "index.html" : `${lang}/index.html`;
  const other = lang === "en" ? "zh-CN" : "en";
  // The link names the other language in that language, so a reader who cannot read this page still finds it.
  const switchLink = twin
    ? `<a class="lang-switch" href="${relativeHref(path, twin)}" hreflang="${other}" lang="${other}" title="${escapeHtml(twin.endsWith("index.html") && !path.endsWith("index.html") ? label.switchHomeLabel : label.switchLabel)}">${escapeHtml(label.switchTo)}</a>`
    : "";
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
    ? `<nav class="pager" aria-label="${escapeHtml(label.previousAndNext)}">` +
      (previous ? `<a class="prev" rel="prev" href="${href(previous.path)}"><span>${escapeHtml(label.previous)}</span>${escapeHtml(previous.title)}</a>` : "<span></span>") +
      (next ? `<a class="next" rel="next" href="${href(next.path)}"><span>${escapeHtml(label.next)}</span>${escapeHtml(next.title)}</a>` : "<span></span>") +
      `</nav>`
    : "";

  return `<!doctype html>
<html lang="${lang}" data-root="${root}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title === siteTitle ? title : `${title} · ${siteTitle}`)}</title>
<link rel="icon" href="${root}assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${root}assets/site.css">
<script>
// Before the first paint, so a dark-theme reader never sees a white flash.
try { var t = localStorage.getItem("workbook-theme"); if (t) document.documentElement.dataset.theme = t; } catch (e) {}
</script>
<script defer src="${root}assets/minisearch.js"></script>
<script defer src="${root}assets/search-tokenize.js"></script>
<script defer src="${root}${searchIndex}"></script>
<script defer src="${root}assets/site.js"></script>
</head>
<body>
<a class="skip" href="#content">${escapeHtml(label.skip)}</a>
<header class="topbar">
  <button class="menu-button" type="button" aria-label="${escapeHtml(label.showNavigation)}" aria-expanded="false">☰</button>
  <a class="brand" href="${href(home)}">${escapeHtml(siteTitle)}</a>
  <div class="search" role="search">
    <input id="search" type="search" placeholder="${escapeHtml(label.searchPlaceholder)}" aria-label="${escapeHtml(label.searchLabel)}" autocomplete="off">
    <ol id="search-results" class="search-results" hidden></ol>
  </div>
  ${switchLink}
  <button class="theme-button" type="button" aria-label="${escapeHtml(label.themeLabel)}" title="${escapeHtml(label.themeTitle)}">◐</button>
</header>
<div class="layout">
<nav class="sidebar" aria-label="${escapeHtml(siteTitle)}">
  <p class="nav-heading"><a href="${href(home)}">${escapeHtml(label.startHere)}</a></p>
  <p class="nav-heading">${escapeHtml(label.lessons)}</p>
  <ul>${nav.lessons.map(link).join("")}</ul>
  <p class="nav-heading">${escapeHtml(label.guides)}</p>
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
