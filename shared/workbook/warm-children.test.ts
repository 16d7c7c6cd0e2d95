/**
 * Watch mode's warm children (warm-children.ts, warm-entry.ts): a run handed
 * to a process started ahead is the same run as a cold one (output, exit
 * status, the file as process.argv[1], so runMain() runs main()), the time
 * limit still stops an endless loop, and no waiting process outlives watch.
 * How much time they save is measured by `npm run bench:loop`, not here.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../paths.ts";
import { runChild, type ChildOptions } from "./child-process.ts";
import { waitUntil } from "./cli-fixture.ts";
import { WarmChildren } from "./warm-children.ts";

const dir = mkdtempSync(join(tmpdir(), "warm-children-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

/** Running: exists and is not a zombie waiting to be reaped. */
function alive(pid: number | undefined): boolean {
  try {
    return pid !== undefined && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function gone(pid: number | undefined, timeoutMs: number, what: string): Promise<void> {
  await waitUntil(() => !alive(pid), timeoutMs).catch(() => assert.fail(`🚨 ${what} (pid ${pid}) was still running after ${timeoutMs / 1000} s`));
}

/** A pool that says, for each run, whether it handed out a warm child. */
function recording(pool: WarmChildren): { warm: ChildOptions["warm"]; handedOut: boolean[] } {
  const handedOut: boolean[] = [];
  return { handedOut, warm: { take: (...args) => { const child = pool.take(...args); handedOut.push(child !== undefined); return child; } } };
}

describe("warm children", { concurrency: 1 }, () => {
  it("run a file exactly as a cold start does: its output, its exit status, the file as the entry point", async () => {
    const lesson = file(
      "entry.ts",
      `import { isMain } from ${JSON.stringify(join(ROOT, "shared/workbook/run-main.ts"))};\n` +
        `console.log("main:", isMain(import.meta.url), "argv1:", process.argv[1], "env:", process.env.APP_MARK);\n` +
        "process.exitCode = 3;\n",
    );
    const pool = new WarmChildren();
    const { warm, handedOut } = recording(pool);
    try {
      const options = { args: ["--import", "tsx", lesson], cwd: ROOT, env: { ...process.env, APP_MARK: "m1" }, timeoutMs: 30_000, warm };
      const cold = await runChild(options);
      pool.refill();
      const hot = await runChild(options);
      assert.deepEqual(handedOut, [false, true], "🚨 the second run should have been handed to the process started by refill()");
      assert.equal(cold.output, `main: true argv1: ${lesson} env: m1\n`, `🚨 the cold run printed ${JSON.stringify(cold.output)}`);
      assert.equal(hot.output, cold.output, "🚨 the run in a warm child printed something else than the cold run");
      assert.deepEqual([hot.status, cold.status], [3, 3], "🚨 the warm child's exit status differs from the cold run's");
    } finally {
      pool.close();
    }
  });

  it("are still stopped by the time limit: an endless loop ends with its process", async () => {
    const loop = file("loop.ts", "while (true) {}\n");
    const pool = new WarmChildren();
    const { warm, handedOut } = recording(pool);
    try {
      const options = { args: ["--import", "tsx", loop], cwd: ROOT, env: process.env, timeoutMs: 20_000, warm };
      void pool.take(options.args, options.cwd, options.env); // remember this kind of run
      pool.refill();
      const run = await runChild({ ...options, timeoutMs: 3000 });
      assert.deepEqual(handedOut, [true], "🚨 the run should have been handed to a warm child");
      assert.equal(run.timedOut, true, "🚨 an endless loop in a warm child was not stopped by the time limit");
    } finally {
      pool.close();
    }
  });

  it("outlive neither close() nor their parent: a waiting child whose parent goes away exits", async () => {
    const pool = new WarmChildren();
    const never = file("never.ts", "console.log('never run');\n");
    void pool.take(["--import", "tsx", never], ROOT, process.env);
    pool.refill();
    const waiting = (pool as unknown as { idle: Map<string, { pid?: number }> }).idle;
    const pid = [...waiting.values()][0]?.pid;
    assert.ok(alive(pid), "🚨 refill() started no process");
    pool.close();
    await gone(pid, 10_000, "a waiting child after close()");

    // A parent that starts a warm child and exits without close(): the child sees its input end.
    const parent = file(
      "parent.mts",
      `import { WarmChildren } from ${JSON.stringify(join(ROOT, "shared/workbook/warm-children.ts"))};\n` +
        "const pool = new WarmChildren();\n" +
        `pool.take(["--import", "tsx", ${JSON.stringify(never)}], ${JSON.stringify(ROOT)}, process.env);\n` +
        "pool.refill();\n" +
        "const [child] = pool['idle'].values();\n" +
        "console.log(child.pid);\n" +
        "process.exit(0);\n",
    );
    const run = await runChild({ args: ["--import", "tsx", parent], cwd: ROOT, env: process.env, timeoutMs: 30_000 });
    const orphan = Number(run.stdout.trim());
    assert.ok(orphan > 0, `🚨 the parent printed no pid: ${run.output}`);
    await gone(orphan, 20_000, "a waiting child whose parent exited");
  });
});
