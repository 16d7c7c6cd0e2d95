/**
 * A folder that reads like the repository (every entry a symbolic link to
 * the real one) but whose Chinese texts are the repository's own when it has
 * them, and small fixtures (docs/test/fixtures/zh-CN/) when it does not yet:
 * the site's bilingual checks must not wait for the translations, nor write
 * into the repository.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../shared/paths.ts";

const FIXTURES = join(ROOT, "docs/test/fixtures/zh-CN");

export interface Overlay {
  root: string;
  /** True when the Chinese texts are fixtures, not the translations. */
  usesFixtures: boolean;
  remove(): void;
}

function linkEntries(from: string, to: string, except: string[]): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (!except.includes(entry)) symlinkSync(join(from, entry), join(to, entry));
  }
}

export function overlayRoot(): Overlay {
  const root = mkdtempSync(join(tmpdir(), "docs-overlay-"));
  linkEntries(ROOT, root, ["lessons", "docs", ".git", ".workbook", ".pristine", "README.zh-CN.md"]);
  if (existsSync(join(ROOT, "README.zh-CN.md"))) symlinkSync(join(ROOT, "README.zh-CN.md"), join(root, "README.zh-CN.md"));
  linkEntries(join(ROOT, "lessons"), join(root, "lessons"), ["zh-CN"]);
  linkEntries(join(ROOT, "docs"), join(root, "docs"), ["zh-CN", "site"]);
  const translated = existsSync(join(ROOT, "docs/zh-CN/home.md"));
  if (translated) {
    if (existsSync(join(ROOT, "lessons/zh-CN"))) symlinkSync(join(ROOT, "lessons/zh-CN"), join(root, "lessons/zh-CN"));
    symlinkSync(join(ROOT, "docs/zh-CN"), join(root, "docs/zh-CN"));
  } else {
    cpSync(join(FIXTURES, "lessons"), join(root, "lessons/zh-CN"), { recursive: true });
    cpSync(join(FIXTURES, "docs"), join(root, "docs/zh-CN"), { recursive: true });
  }
  // README.md links to README.zh-CN.md on its first line; the fixture stands in until the translation lands.
  if (!existsSync(join(ROOT, "README.zh-CN.md"))) cpSync(join(FIXTURES, "README.zh-CN.md"), join(root, "README.zh-CN.md"));
  return { root, usesFixtures: !translated, remove: () => rmSync(root, { recursive: true, force: true }) };
}
