/**
 * npm run i18n:stamp -- FILE...: after a maintainer brought a Chinese text
 * up to date, set its stamp (line 1) to the English source's current hash.
 * A text with no stamp yet gets one, followed by the blank line.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ROOT } from "../paths.ts";
import { isMain } from "../workbook/run-main.ts";
import { englishPathOf } from "./editions.ts";
import { fileHash, formatStamp } from "./translation-stamp.ts";

/** Stamps one file; returns the line to print, or throws an Error whose message says what to fix. */
export function stampFile(file: string, root = ROOT, cwd = process.cwd()): string {
  const chinese = relative(root, resolve(cwd, file)).split("\\").join("/");
  const english = englishPathOf(chinese);
  if (!english) throw new Error(`🚨 ${chinese} is not a Chinese text with an English source (lessons/zh-CN/NN-topic.md, README.zh-CN.md, docs/zh-CN/home.md, docs/zh-CN/guides/NAME.md); the glossary keeps <!-- zh-CN original -->.`);
  const path = join(root, chinese);
  if (!existsSync(path)) throw new Error(`🚨 ${chinese} does not exist.`);
  if (!existsSync(join(root, english))) throw new Error(`🚨 its English source ${english} does not exist.`);
  const stamp = formatStamp(english, fileHash(join(root, english)));
  const text = readFileSync(path, "utf8");
  const [first = ""] = text.split("\n");
  // Replace a stamp (even a malformed one); otherwise put one on top.
  const body = first.startsWith("<!-- zh-CN") ? text.slice(first.length + 1).replace(/^\s*\n/, "") : text;
  writeFileSync(path, `${stamp}\n\n${body}`);
  return `${chinese}: ${stamp}`;
}

if (isMain(import.meta.url)) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("🚨 usage: npm run i18n:stamp -- FILE...   e.g. npm run i18n:stamp -- lessons/zh-CN/03-propagation.md");
    process.exit(2);
  }
  let failed = false;
  for (const file of files) {
    try {
      console.log(stampFile(file, ROOT, process.env.INIT_CWD ?? process.cwd()));
    } catch (error) {
      console.error((error as Error).message);
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}
