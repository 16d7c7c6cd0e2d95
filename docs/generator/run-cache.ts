/**
 * Rebuilding the site after editing a guide should not re-run every solution.
 * A run is kept under node_modules/.cache/ (never committed), keyed by a hash
 * of everything that can change what a solution does: its own file, the
 * workbook's library (shared/), the lockfile and the Node version. Change any
 * of them and the next build runs it again. `npm run docs -- --fresh` ignores it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Lesson } from "../../shared/workbook/lessons.ts";
import type { SolutionRun } from "./run-solution.ts";

export class RunCache {
  readonly #dir: string;
  readonly #shared: string;

  constructor(private readonly root: string) {
    this.#dir = join(root, "node_modules", ".cache", "workbook-docs");
    const hash = createHash("sha256").update(process.version);
    for (const file of [...filesUnder(join(root, "shared")), join(root, "package-lock.json")]) {
      if (existsSync(file)) hash.update(file).update(readFileSync(file));
    }
    this.#shared = hash.digest("hex");
  }

  #file(lesson: Lesson): string {
    const key = createHash("sha256").update(this.#shared).update(readFileSync(lesson.solutionPath)).digest("hex").slice(0, 16);
    return join(this.#dir, `${lesson.slug}-${key}.json`);
  }

  get(lesson: Lesson): SolutionRun | undefined {
    const file = this.#file(lesson);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, "utf8")) as SolutionRun;
    } catch {
      return undefined; // a half-written entry: run again
    }
  }

  /** Only clean runs are kept: a failure should show up again next time, not be remembered. */
  set(lesson: Lesson, run: SolutionRun): void {
    if (run.exitCode !== 0 || run.timedOut) return;
    mkdirSync(this.#dir, { recursive: true });
    writeFileSync(this.#file(lesson), JSON.stringify(run));
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? filesUnder(path) : entry.endsWith(".ts") && !entry.endsWith(".test.ts") ? [path] : [];
    });
}
