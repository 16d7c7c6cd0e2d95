/**
 * npm run bench:loop [-- --runs 5 --lesson 03 --watch-only --pause-ms 3000]: how long the learner waits.
 * Prints the median wall-clock time of several runs of:
 *   - a bare start: `node --import tsx` on an empty file (the floor);
 *   - `verify --solutions NN` started the way npm starts it, and through npm;
 *   - the same lesson's tests under `node --test` (the old way: a runner
 *     process, then the test process) and run directly (what verify does now);
 *   - watch mode: from a save to the first task result on screen, with every
 *     run started cold and with the runs in warm children (warm-children.ts).
 * Wall-clock on purpose: it is what the learner feels. On a shared machine
 * the absolute figures move with the load; the ratios to the bare start are
 * the figures to compare. Nothing here is a test: it only measures.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../paths.ts";
import { copyWorkbook, cliEnv } from "../workbook/cli-fixture.ts";
import { findLesson } from "../workbook/lessons.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, lesson: { type: "string", default: "03" }, "watch-only": { type: "boolean", default: false }, "pause-ms": { type: "string", default: "3000" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  console.error("🚨 --runs takes a whole number from 1 to 50");
  process.exit(2);
}
const lesson = findLesson(values.lesson!);
/** Watch rows: the time between one result on screen and the next save. */
const pauseMs = Number(values["pause-ms"]);
if (!Number.isInteger(pauseMs) || pauseMs < 0) {
  console.error("🚨 --pause-ms takes a whole number of milliseconds (0 or more)");
  process.exit(2);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = cliEnv()): number {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd: ROOT, env, stdio: "ignore", timeout: 120_000 });
  const ms = performance.now() - started;
  if (run.error) throw run.error;
  return ms;
}

function measure(label: string, once: () => number): [string, number] {
  const samples = Array.from({ length: runs }, once);
  return [label, median(samples)];
}

/** From writing the lesson file to the first "✓ Task"/"✗ Task" line of a running watch. */
async function watchFirstResult(env: NodeJS.ProcessEnv = cliEnv()): Promise<number> {
  const copy = copyWorkbook([lesson.id]);
  const file = copy.path(relative(ROOT, lesson.lessonPath));
  // The lesson as shipped: its tasks fail, so watch stays on it for every save.
  const child = spawn(process.execPath, ["--import", "tsx", "shared/workbook/watch.ts", lesson.id], { cwd: copy.root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise((resolve) => child.on("close", resolve));
  const waitFor = async (test: () => boolean) => {
    const deadline = Date.now() + 120_000;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`watch never printed what was awaited:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const samples: number[] = [];
  try {
    await waitFor(() => output.includes("Watching "));
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    for (let index = 0; index < runs; index++) {
      const before = output.length;
      // A comment changes the file (and its cache key) without changing what it does.
      appendFileSync(file, `\n// save ${index}\n`);
      const saved = performance.now();
      await waitFor(() => /[✓✗] Task \d/.test(output.slice(before)));
      samples.push(performance.now() - saved);
      await waitFor(() => output.slice(before).includes("Watching "));
      // A learner reads the result and edits before the next save; saving again within
      // milliseconds would measure a machine-gun editor, not the loop a learner feels.
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  } finally {
    child.kill("SIGINT");
    await closed;
    copy.remove();
  }
  return median(samples);
}

const empty = mkdtempSync(join(tmpdir(), "bench-loop-"));
writeFileSync(join(empty, "empty.ts"), "export {};\n");
const node = process.execPath;
const testFile = relative(ROOT, lesson.testPath);
const solutionsEnv = { ...cliEnv(), WORKBOOK_TARGET: "solutions" };
const rows: [string, number][] = [];
try {
  rows.push(measure("bare start: node --import tsx empty.ts", () => timeCommand(node, ["--import", "tsx", join(empty, "empty.ts")])));
  // --watch-only: the bare start (the ratios' base) and the two watch rows.
  if (!values["watch-only"]) {
    rows.push(measure(`verify --solutions ${lesson.id} (node --import tsx verify.ts)`, () => timeCommand(node, ["--import", "tsx", "shared/workbook/verify.ts", "--solutions", lesson.id])));
    rows.push(measure(`npm run verify -- --solutions ${lesson.id}`, () => timeCommand("npm", ["run", "-s", "verify", "--", "--solutions", lesson.id])));
    rows.push(measure(`old: npx tsx verify.ts → node --test → test process`, () =>
      timeCommand("npx", ["tsx", "-e", "0"]) + timeCommand(node, ["--import", "tsx", "--test", "--test-reporter=./shared/workbook/reporter.mjs", testFile], solutionsEnv)));
    rows.push(measure(`tests alone, node --test (runner + test process)`, () => timeCommand(node, ["--import", "tsx", "--test", "--test-reporter=./shared/workbook/reporter.mjs", testFile], solutionsEnv)));
    rows.push(measure(`tests alone, run directly (one process, as verify does)`, () =>
      timeCommand(node, ["--import", "tsx", "--test-reporter=./shared/workbook/reporter.mjs", "--test-reporter-destination=stdout", testFile], solutionsEnv)));
  }
  rows.push(["watch, every run started cold (WORKBOOK_WARM=0): save → first task result", await watchFirstResult({ ...cliEnv(), WORKBOOK_WARM: "0" })]);
  rows.push(["watch, runs in warm children: save → first task result", await watchFirstResult()]);
} finally {
  rmSync(empty, { recursive: true, force: true });
}

const bare = rows[0]![1];
const load = (await import("node:os")).loadavg()[0]!.toFixed(1);
console.log(`Learner loop, lesson ${lesson.slug}: median of ${runs} runs, wall-clock, watch saves ${pauseMs} ms after the previous result (load average ${load}, ${(await import("node:os")).cpus().length} cores, Node ${process.version})`);
console.log("| what | ms | × bare start |\n| --- | ---: | ---: |");
for (const [label, ms] of rows) console.log(`| ${label} | ${Math.round(ms)} | ${(ms / bare).toFixed(1)} |`);
