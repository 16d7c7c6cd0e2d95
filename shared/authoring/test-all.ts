/**
 * `npm test` (after `tsc --noEmit`): runs every test file with node's test
 * runner, lesson tests against solutions/. The files are listed here because
 * Node 20's `--test` finds no .ts files from a folder or quoted glob and then
 * exits 0 having run nothing; an empty list fails loudly instead.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../paths.ts";

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === "node_modules" || entry.startsWith(".") || entry === "site") return [];
    if (statSync(path).isDirectory()) return testFiles(path);
    return entry.endsWith(".test.ts") ? [relative(ROOT, path)] : [];
  });
}

const only = process.argv.slice(2);
const files = ["lessons", "shared", "docs"].flatMap((dir) => {
  try {
    return testFiles(join(ROOT, dir));
  } catch {
    return [];
  }
}).filter((file) => only.length === 0 || only.some((filter) => file.includes(filter)));

if (files.length === 0) {
  console.error(`🚨 no test files found${only.length ? ` matching ${only.join(" ")}` : ""}: refusing to report success with nothing run.`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  // The timeout is a backstop for a file that hangs: node applies it to each
  // file as a whole, and the self-check file runs ~90 lesson processes. Every
  // test that spawns a process has its own, tighter limit.
  ["--import", "tsx", "--test", "--test-timeout=900000", ...files],
  {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, WORKBOOK_TARGET: "solutions", WORKBOOK_LLM_LATENCY_MS: "0", OTEL_TRACES_EXPORTER: undefined },
  },
);
process.exit(result.status ?? 1);
