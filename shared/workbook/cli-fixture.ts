/**
 * For the learner commands' tests: a throw-away copy of the workbook (some
 * lessons as shipped, their solutions, the whole shared/ kit, node_modules linked) so a
 * command that edits lessons/ never touches the real files, and a way to run
 * a command there the way CI does: a child process, stdin closed, CI=true.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../paths.ts";
import { pristineSource } from "../authoring/pristine.ts";
import { listLessons } from "./lessons.ts";

export interface Copy {
  root: string;
  path(relativePath: string): string;
  remove(): void;
}

export function copyWorkbook(ids: readonly string[] = ["01"]): Copy {
  const root = mkdtempSync(join(tmpdir(), "workbook-cli-"));
  for (const folder of ["lessons", "solutions"]) {
    for (const file of readdirSync(join(ROOT, folder))) {
      if (ids.some((id) => file.startsWith(`${id}-`))) cpSync(join(ROOT, folder, file), join(root, folder, file));
    }
  }
  // The exercises as shipped, derived from their solutions: the learner's own
  // edits to lessons/ (a solved lesson, a type error) must not change what these tests see.
  for (const lesson of listLessons(root)) writeFileSync(lesson.lessonPath, pristineSource(lesson));
  cpSync(join(ROOT, "shared"), join(root, "shared"), { recursive: true });
  for (const file of ["package.json", "package-lock.json", "tsconfig.json"]) cpSync(join(ROOT, file), join(root, file));
  symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"), "dir");
  return { root, path: (relativePath) => join(root, relativePath), remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // English unless a test asks otherwise: a maintainer whose LANG is zh_CN still gets the English tests' English output.
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", NO_COLOR: "1", WORKBOOK_LLM_LATENCY_MS: "0", WORKBOOK_LANG: "en", ...extra };
  // Inherited from `npm test`; a child must not think it is a test runner or a solutions run.
  delete env.NODE_TEST_CONTEXT;
  delete env.WORKBOOK_TARGET;
  delete env.FORCE_COLOR;
  if (extra.FORCE_COLOR) env.FORCE_COLOR = extra.FORCE_COLOR;
  return env;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

/** Runs `shared/workbook/<command>.ts` in the copy, to the end. */
export function runCli(copy: Copy, command: string, args: string[] = [], env: Record<string, string> = {}): CliRun {
  const run = spawnSync(process.execPath, ["--import", "tsx", `shared/workbook/${command}.ts`, ...args], {
    cwd: copy.root,
    env: cliEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 90_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, output: `${run.stdout}${run.stderr}` };
}

/** Starts a long-running command (watch) and lets the test wait for what it prints. */
export function startCli(copy: Copy, command: string, args: string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", `shared/workbook/${command}.ts`, ...args], {
    cwd: copy.root,
    env: cliEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters: { text: string | RegExp; resolve: () => void }[] = [];
  const matches = (text: string | RegExp) => (typeof text === "string" ? output.includes(text) : text.test(output));
  const onData = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const waiter of [...waiters]) {
      if (matches(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("close", (status) => resolve(status)));
  return {
    child,
    exited,
    output: () => output,
    /** Resolves once the output contains `text`; rejects if the process ends first. */
    waitFor(text: string | RegExp): Promise<void> {
      if (matches(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ text, resolve });
        void exited.then(() => reject(new Error(`exited before printing ${String(text)}:\n${output}`)));
      });
    },
  };
}

/** Processes still running in the copy (their working folder is inside it): what a command left behind. Linux /proc. */
export function processesIn(copy: Copy): string[] {
  const left: string[] = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (!realpathSync(readlinkSync(`/proc/${pid}/cwd`)).startsWith(realpathSync(copy.root))) continue;
      left.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ")}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return left;
}

/** Polls until `condition` holds; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
