/**
 * `npm run docs`: builds the docs site into docs/site/ (generated, not
 * committed). Open docs/site/index.html, or run `npm run docs:serve`.
 * Solution runs are cached until their inputs change; `npm run docs -- --fresh` re-runs them all.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../shared/testing/load-lesson.ts";
import { buildSite } from "./generator/site.ts";

export const SITE_DIR = join(ROOT, "docs", "site");

export async function buildDocs(): Promise<void> {
  // --fresh: run every solution again even if nothing it depends on changed.
  const cache = !process.argv.includes("--fresh");
  const result = await buildSite({ root: ROOT, outDir: SITE_DIR, cache, log: (line) => console.log(line) });
  console.log(`Open ${pathToFileURL(join(SITE_DIR, "index.html")).href}  or run: npm run docs:serve`);
  if (result.brokenLinks.length > 0) {
    console.error(`🚨 ${result.brokenLinks.length} broken link(s) above: fix them in the markdown they come from.`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await buildDocs();
