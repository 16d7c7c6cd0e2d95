/**
 * The learner's lesson file through TypeScript's type checker. tsx runs a file
 * without checking its types, so a lesson can pass its tests and still hold a
 * type error; `verify` and `watch` report those (file:line:column, message).
 * The check runs in its own child process (it takes seconds: the SDK's type
 * declarations are large), beside the tests, and its answer is remembered in
 * .workbook/types.json under the same key as the progress cache.
 */
import { relative } from "node:path";
import { ROOT } from "../paths.ts";
import { readState, writeState } from "./cli.ts";
import { runChild } from "./child-process.ts";
import type { Lesson } from "./lessons.ts";
import { cacheKey } from "./progress.ts";
import type { TypeError } from "./typecheck-format.ts";

const CACHE_FILE = "types.json";
type Cache = Record<string, { key: string; errors: TypeError[] }>;

export interface TypeReport {
  errors: TypeError[];
  /** Set when the checker itself could not answer (stopped, crashed). */
  problem?: string;
}

export async function lessonTypeErrors(lesson: Lesson, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<TypeReport> {
  const key = cacheKey(lesson);
  const cached = readState<Cache>(CACHE_FILE, {})[lesson.slug];
  if (cached?.key === key) return { errors: cached.errors };
  const run = await runChild({
    args: ["--import", "tsx", "shared/workbook/typecheck.ts", relative(ROOT, lesson.lessonPath)],
    cwd: ROOT,
    env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    timeoutMs: options.timeoutMs ?? 120_000,
    signal: options.signal,
  });
  if (run.aborted) return { errors: [] };
  let errors: TypeError[];
  try {
    errors = JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as TypeError[];
  } catch {
    const why = run.timedOut ? "it did not finish in time" : (run.stderr.trim().split("\n")[0] ?? `exit ${run.status}`);
    return { errors: [], problem: `the type check could not run (${why})` };
  }
  const cache = readState<Cache>(CACHE_FILE, {});
  cache[lesson.slug] = { key, errors };
  writeState(CACHE_FILE, cache);
  return { errors };
}
