/**
 * One MiniSearch index per language (a reader searching the Chinese site
 * gets Chinese pages), each section of each page a document so a hit lands
 * on its section. Terms are split by docs/assets/search-tokenize.js, the
 * same script the browser uses for the query, so Chinese words are found:
 * MiniSearch's default splits on spaces only, and Chinese has none.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import MiniSearch from "minisearch";
import type { Lang } from "../../shared/i18n/lang.ts";
import type { Section } from "./markdown.ts";
import "../assets/search-tokenize.js";

export const tokenize = (globalThis as unknown as { WORKBOOK_TOKENIZE: (text: string) => string[] }).WORKBOOK_TOKENIZE;

/** The options the browser must load the index with (site.js repeats them). */
export const SEARCH_FIELDS = { fields: ["title", "heading", "text"], storeFields: ["title", "heading", "href"], tokenize };

export function searchIndexPath(lang: Lang): string {
  return lang === "en" ? "assets/search-index.js" : `assets/search-index.${lang}.js`;
}

export interface Searchable {
  path: string;
  title: string;
  sections: Section[];
  lang: Lang;
}

export function buildIndex(pages: Searchable[]): MiniSearch {
  const search = new MiniSearch(SEARCH_FIELDS);
  let id = 0;
  for (const page of pages) {
    for (const section of page.sections) {
      search.add({ id: id++, title: page.title, heading: section.heading, text: section.text, href: section.id ? `${page.path}#${section.id}` : page.path });
    }
  }
  return search;
}

/** Writes assets/search-index.js (English) and assets/search-index.zh-CN.js (Chinese), as scripts. */
export function writeSearchIndexes(outDir: string, pages: Searchable[]): void {
  mkdirSync(join(outDir, "assets"), { recursive: true });
  for (const lang of ["en", "zh-CN"] as const) {
    const mine = pages.filter((page) => page.lang === lang);
    if (lang !== "en" && mine.length === 0) continue;
    writeFileSync(join(outDir, searchIndexPath(lang)), `window.WORKBOOK_SEARCH = ${JSON.stringify(buildIndex(mine))};\n`);
  }
}
