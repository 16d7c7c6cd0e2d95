/**
 * Where the Chinese edition's texts live beside their English sources (the
 * layout the translators follow):
 *   lessons/NN-topic.md      → lessons/zh-CN/NN-topic.md
 *   README.md                → README.zh-CN.md
 *   docs/home.md             → docs/zh-CN/home.md
 *   docs/guides/NAME.md      → docs/zh-CN/guides/NAME.md
 *   (none)                   → docs/zh-CN/glossary.md, a Chinese original
 * Paths here are relative to the repository root, with forward slashes.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export const ZH = "zh-CN";
/** The one Chinese original: the terms that stay English, and why. */
export const GLOSSARY = "docs/zh-CN/glossary.md";

/** The Chinese text's path for an English source, or undefined when the source has no place in the edition. */
export function chinesePathOf(english: string): string | undefined {
  if (english === "README.md") return "README.zh-CN.md";
  if (english === "docs/home.md") return "docs/zh-CN/home.md";
  if (/^lessons\/\d\d-[a-z0-9-]+\.md$/.test(english)) return english.replace(/^lessons\//, "lessons/zh-CN/");
  if (/^docs\/guides\/[a-z0-9-]+\.md$/.test(english)) return english.replace(/^docs\/guides\//, "docs/zh-CN/guides/");
  return undefined;
}

/** The inverse: the English source a Chinese text translates, by its path. */
export function englishPathOf(chinese: string): string | undefined {
  if (chinese === "README.zh-CN.md") return "README.md";
  if (chinese === "docs/zh-CN/home.md") return "docs/home.md";
  if (/^lessons\/zh-CN\/\d\d-[a-z0-9-]+\.md$/.test(chinese)) return chinese.replace(/^lessons\/zh-CN\//, "lessons/");
  if (/^docs\/zh-CN\/guides\/[a-z0-9-]+\.md$/.test(chinese)) return chinese.replace(/^docs\/zh-CN\/guides\//, "docs/guides/");
  return undefined;
}

function markdownIn(root: string, folder: string): string[] {
  const dir = join(root, folder);
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".md")).sort().map((name) => `${folder}/${name}`) : [];
}

/** Every English text that should have a Chinese twin. */
export function englishTexts(root: string): string[] {
  return [
    "README.md",
    "docs/home.md",
    ...markdownIn(root, "lessons").filter((path) => chinesePathOf(path)),
    ...markdownIn(root, "docs/guides"),
  ].filter((path) => existsSync(join(root, path)));
}

/** Every Chinese text present. */
export function chineseTexts(root: string): string[] {
  return [
    "README.zh-CN.md",
    "docs/zh-CN/home.md",
    GLOSSARY,
    ...markdownIn(root, "lessons/zh-CN"),
    ...markdownIn(root, "docs/zh-CN/guides"),
  ].filter((path) => existsSync(join(root, path)));
}
