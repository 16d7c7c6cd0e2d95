/**
 * Search in Chinese: the site's tokenizer (docs/assets/search-tokenize.js)
 * must find every section that contains 采样, 上下文传播 or 技术讨论组, and no
 * section that does not, on real Chinese text: the seed guide the workbook
 * grew from (beside the checkout, when there) and the Chinese texts of the
 * edition (or the site fixtures before they exist). The figures for
 * Intl.Segmenter and MiniSearch's default tokenizer are printed beside it
 * (the measurement behind the choice), not asserted.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import MiniSearch from "minisearch";
import { ROOT } from "../../shared/paths.ts";
import { chineseTexts } from "../../shared/i18n/editions.ts";
import { tokenize } from "../generator/search-index.ts";

const SEED = join(ROOT, "..", "..", "shared", "seed");
const FIXTURES = join(ROOT, "docs/test/fixtures/zh-CN");

function markdownUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? markdownUnder(join(dir, entry.name)) : /\.(md|txt)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** Sections (text from one heading to the next) of every Chinese text at hand. */
function corpus(): string[] {
  const translated = chineseTexts(ROOT).map((path) => join(ROOT, path));
  const files = [...markdownUnder(SEED), ...(translated.length ? translated : markdownUnder(FIXTURES))];
  return files.flatMap((file) => readFileSync(file, "utf8").split(/\n(?=#{1,3} )/));
}

const segmenter = new Intl.Segmenter("zh", { granularity: "word" });
const TOKENIZERS: Record<string, { tokenize?: (text: string) => string[]; combineWith: "AND" | "OR" }> = {
  "character pairs (the site's)": { tokenize, combineWith: "AND" },
  "Intl.Segmenter words": { tokenize: (text) => [...segmenter.segment(text)].filter((part) => part.isWordLike).map((part) => part.segment), combineWith: "AND" },
  "MiniSearch default": { combineWith: "OR" },
};
const QUERIES = ["采样", "上下文传播", "技术讨论组", "下文", "分布式追踪"];

function measure(sections: string[], name: string) {
  const { tokenize: split, combineWith } = TOKENIZERS[name]!;
  const index = new MiniSearch({ fields: ["text"], ...(split ? { tokenize: split } : {}) });
  index.addAll(sections.map((text, id) => ({ id, text })));
  return QUERIES.map((query) => {
    const truth = new Set(sections.flatMap((text, id) => (text.includes(query) ? [id] : [])));
    const hits = index.search(query, { prefix: true, combineWith }).map((hit) => Number(hit.id));
    return { query, expected: truth.size, found: hits.filter((id) => truth.has(id)).length, wrong: hits.filter((id) => !truth.has(id)).length };
  });
}

describe("search in Chinese", () => {
  const sections = corpus();

  it("the site's tokenizer finds exactly the sections containing 采样, 上下文传播, 技术讨论组 (and the others measured)", (t) => {
    for (const name of Object.keys(TOKENIZERS)) {
      t.diagnostic(`${name}: ${measure(sections, name).map((r) => `${r.query} ${r.found}/${r.expected}${r.wrong ? ` +${r.wrong} wrong` : ""}`).join(", ")}`);
    }
    for (const result of measure(sections, "character pairs (the site's)")) {
      assert.ok(result.expected > 0, `🚨 the corpus has no section with ${result.query}: the measurement would prove nothing`);
      assert.equal(result.found, result.expected, `🚨 search for ${result.query} found ${result.found} of the ${result.expected} sections that contain it`);
      assert.equal(result.wrong, 0, `🚨 search for ${result.query} found ${result.wrong} sections that do not contain it`);
    }
  });

  it("splits Chinese into character pairs and leaves other words whole", () => {
    assert.deepEqual(tokenize("在 span 上设置属性，调用 startActiveSpan()"), ["在", "span", "上设", "设置", "置属", "属性", "调用", "startActiveSpan"]);
  });
});
