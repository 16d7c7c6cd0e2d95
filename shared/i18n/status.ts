/**
 * npm run i18n:status: which Chinese texts are older than their English
 * source (the hash in their stamp is not the English file's hash now), and
 * for each the command that shows what changed in English since: the newest
 * commit whose version of the English file has the stamped hash, found by
 * walking `git log` of that file. Exit 0 when every text is up to date, 1
 * when any is stale (CI decides whether that fails a build).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.ts";
import { isMain } from "../workbook/run-main.ts";
import { chineseTexts, englishPathOf } from "./editions.ts";
import { fileHash, readStamp, shortHash } from "./translation-stamp.ts";

export interface Staleness {
  chinese: string;
  english: string;
  stamped: string;
  current: string;
  /** The commit the translation was made from, when git knows one. */
  since?: string;
}

export interface StatusReport {
  upToDate: string[];
  stale: Staleness[];
  /** Texts whose stamp is missing or malformed (i18n:check says why). */
  unstamped: string[];
}

function git(root: string, args: string[]): { ok: boolean; stdout: Buffer } {
  const run = spawnSync("git", args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  return { ok: run.status === 0, stdout: run.stdout ?? Buffer.alloc(0) };
}

/** The newest commit whose version of `path` hashes to `hash`, following renames. */
export function commitWithHash(root: string, path: string, hash: string): string | undefined {
  const log = git(root, ["log", "--follow", "--format=%H", "--name-only", "--", path]);
  if (!log.ok) return undefined;
  // Pairs of lines: the commit, then the file's name in that commit (which --follow may have renamed).
  const lines = log.stdout.toString("utf8").split("\n").filter(Boolean);
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [commit, name] = [lines[i]!, lines[i + 1]!];
    const blob = git(root, ["show", `${commit}:${name}`]);
    if (blob.ok && shortHash(blob.stdout) === hash) return commit;
  }
  return undefined;
}

export function translationStatus(root = ROOT): StatusReport {
  const report: StatusReport = { upToDate: [], stale: [], unstamped: [] };
  for (const chinese of chineseTexts(root)) {
    const stamp = readStamp(readFileSync(join(root, chinese), "utf8"));
    if (stamp.kind === "original") continue;
    const english = englishPathOf(chinese);
    if (stamp.kind === "invalid" || !english || !existsSync(join(root, english))) {
      report.unstamped.push(chinese);
      continue;
    }
    const current = fileHash(join(root, english));
    if (current === stamp.hash) report.upToDate.push(chinese);
    else report.stale.push({ chinese, english, stamped: stamp.hash, current, since: commitWithHash(root, english, stamp.hash) });
  }
  return report;
}

export function formatStatus(report: StatusReport): string[] {
  const lines: string[] = [];
  for (const entry of report.stale) {
    lines.push(`${entry.chinese} is older than ${entry.english} (stamped sha256:${entry.stamped}, now ${entry.current})`);
    lines.push(
      entry.since
        ? `   what changed in English since:  git diff ${entry.since.slice(0, 12)} -- ${entry.english}`
        : `   no commit of ${entry.english} has the stamped hash: the translation was made from an uncommitted edit, or the stamp is wrong. Compare the whole English file with it.`,
    );
    lines.push(`   after updating the translation:  npm run i18n:stamp -- ${entry.chinese}`);
  }
  for (const chinese of report.unstamped) lines.push(`${chinese} has no valid stamp on line 1, so its age is unknown (npm run i18n:check says what is wrong).`);
  const total = report.upToDate.length + report.stale.length + report.unstamped.length;
  if (report.stale.length === 0 && report.unstamped.length === 0) lines.push(`✓ all ${total} Chinese translations are up to date with their English sources.`);
  else lines.push(`\n${report.stale.length + report.unstamped.length} of ${total} Chinese translations need attention; ${report.upToDate.length} are up to date.`);
  return lines;
}

if (isMain(import.meta.url)) {
  const report = translationStatus();
  console.log(formatStatus(report).join("\n"));
  process.exit(report.stale.length || report.unstamped.length ? 1 : 0);
}
