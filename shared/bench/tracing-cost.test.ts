/**
 * The benchmark runs and prints its table. No timing is asserted: speed
 * belongs in the figures the benchmark prints, not in a test's pass/fail.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../testing/load-lesson.ts";

describe("npm run bench", () => {
  const out = mkdtempSync(join(tmpdir(), "bench-"));
  after(() => rmSync(out, { recursive: true, force: true }));

  it("prints one row per scenario and writes JSON and markdown", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "shared/bench/tracing-cost.ts", "--iterations", "2000", "--rounds", "1", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    for (const scenario of ["no SDK (no-op API)", "SDK, sampling off (non-recording)", "SDK, batch processor", "SDK, simple processor", "SDK, batch processor, 10 attributes"]) {
      assert.match(run.stdout, new RegExp(`^\\| ${scenario.replace(/[()]/g, "\\$&")} \\| [\\d,]+ \\| [\\d.]+ \\|$`, "m"), `no table row for "${scenario}"`);
    }
    assert.ok(existsSync(join(out, "tracing-cost.md")));
    const result = JSON.parse(readFileSync(join(out, "tracing-cost.json"), "utf8")) as { rows: Array<{ ratioToNoop: number }> };
    assert.equal(result.rows.length, 5);
    assert.equal(result.rows[0]!.ratioToNoop, 1);
  });
});
