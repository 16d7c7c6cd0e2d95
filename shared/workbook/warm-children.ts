/**
 * Watch mode's warm children. Most of the wait between a save and the first
 * task result was node starting, tsx loading and the SDK's modules being
 * read (docs/guides/performance.md). So watch starts the next run's process
 * ahead of time, once the current check is over: node with the run's own
 * flags, folder and environment, running warm-entry.ts, which loads those
 * modules and waits for the file to run. On the save, runChild() hands the
 * file to that process instead of starting a new one.
 *
 * Each run still has a process of its own, leading its own process group: the
 * time limit, a newer save and Ctrl-C kill it as they kill a cold one. An
 * idle warm child whose parent goes away sees its standard input close and
 * exits. WORKBOOK_WARM=0 turns this off (every run starts cold).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../paths.ts";
import { killGroup } from "./child-process.ts";

const ENTRY = join(ROOT, "shared/workbook/warm-entry.ts");

interface Spec {
  /** Node's flags: the run's arguments without its file. */
  flags: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Same flags, folder and environment: a warm child started for one is exactly a cold start of the other, minus the wait. */
function keyOf(spec: Spec): string {
  const env = Object.entries(spec.env).filter(([, value]) => value !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([spec.flags, spec.cwd, env]);
}

export class WarmChildren {
  private readonly idle = new Map<string, ChildProcessWithoutNullStreams>();
  /** Every kind of run seen, so refill() can prepare the next one of each. */
  private readonly seen = new Map<string, Spec>();
  private closed = false;

  /**
   * The process started ahead for a run of `args` (flags, then the file) in
   * `cwd` with `env`, already told which file to run; undefined when none is
   * ready (the caller then starts one cold).
   */
  take(args: string[], cwd: string, env: Record<string, string | undefined>): ChildProcessWithoutNullStreams | undefined {
    const spec = { flags: args.slice(0, -1), cwd, env };
    const key = keyOf(spec);
    if (!this.closed) this.seen.set(key, spec);
    const child = this.idle.get(key);
    this.idle.delete(key);
    if (!child) return undefined;
    if (child.exitCode !== null || child.signalCode !== null || !child.stdin.writable) {
      killGroup(child.pid);
      return undefined;
    }
    child.stdin.end(`${args.at(-1)}\n`);
    return child;
  }

  /** Starts a process ahead for each kind of run seen that has none waiting (call it when a check is over). */
  refill(): void {
    if (this.closed) return;
    for (const [key, spec] of this.seen) {
      if (this.idle.has(key)) continue;
      const kind = spec.flags.some((flag) => flag.startsWith("--test-reporter")) ? "tests" : "file";
      const child = spawn(process.execPath, [...spec.flags, ENTRY, kind], { cwd: spec.cwd, env: spec.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
      child.on("error", () => this.idle.get(key) === child && this.idle.delete(key));
      child.on("exit", () => this.idle.get(key) === child && this.idle.delete(key));
      this.idle.set(key, child);
    }
  }

  /** Stops every process waiting, and starts no more. */
  close(): void {
    this.closed = true;
    for (const child of this.idle.values()) killGroup(child.pid);
    this.idle.clear();
  }
}

/** Watch mode's warm children, or none when WORKBOOK_WARM=0. */
export function warmChildren(env = process.env): WarmChildren | undefined {
  return env.WORKBOOK_WARM === "0" ? undefined : new WarmChildren();
}
