import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { cliEnv, copyWorkbook, processesIn, runCli, startCli, waitUntil, type Copy } from "./cli-fixture.ts";
import { cleanSolution } from "../authoring/derive.ts";

const LESSON = "lessons/01-setup.ts";
let copy: Copy;
beforeEach(() => (copy = copyWorkbook(["01"])));
afterEach(() => copy.remove());

describe("npm run watch", { concurrency: 1 }, () => {
  it("starts with the first lesson not done, shows its trace and tasks, re-runs on save, moves on when it passes", async () => {
    const watch = startCli(copy, "watch");
    try {
      await watch.waitFor("Watching lessons/01-setup.ts");
      assert.match(watch.output(), /── npx tsx lessons\/01-setup\.ts/);
      assert.match(watch.output(), /No spans reached the exporter/, "the untouched lesson's own output (its symptom) is shown");
      assert.match(watch.output(), /✗ Task 1/);

      writeFileSync(copy.path(LESSON), cleanSolution(readFileSync(copy.path("solutions/01-setup.ts"), "utf8")));
      assert.equal(await watch.exited, 0, watch.output());
      assert.match(watch.output(), /greet_user/, "the solved lesson's trace tree is shown");
      assert.match(watch.output(), /✓ Task 5/);
      assert.match(watch.output(), /Every lesson is done/);
    } finally {
      watch.child.kill("SIGKILL");
    }
    assert.deepEqual(processesIn(copy), []);
  });

  it("stops cleanly on Ctrl-C, in the middle of a run of a lesson that hangs, leaving no process behind", async () => {
    writeFileSync(copy.path(LESSON), "setInterval(() => {}, 1000);\nawait new Promise(() => {});\n");
    const watch = startCli(copy, "watch", ["01"]);
    try {
      await watch.waitFor("checking lessons/01-setup.ts");
      watch.child.kill("SIGINT");
      assert.equal(await watch.exited, 0, watch.output());
      assert.match(watch.output(), /Stopped watching/);
    } finally {
      watch.child.kill("SIGKILL");
    }
    assert.deepEqual(processesIn(copy), []);
  });

  it("reports a lesson that hangs and keeps watching", async () => {
    writeFileSync(copy.path(LESSON), "setInterval(() => {}, 1000);\nawait new Promise(() => {});\n");
    const watch = startCli(copy, "watch", ["01"], { WORKBOOK_TEST_TIMEOUT_MS: "3000" });
    try {
      await watch.waitFor("Watching lessons/01-setup.ts");
      assert.match(watch.output(), /did not finish within 3 s/);
      assert.match(watch.output(), /did not finish within 3 s and was stopped[\s\S]*endless loop/);
      watch.child.kill("SIGINT");
      assert.equal(await watch.exited, 0);
    } finally {
      watch.child.kill("SIGKILL");
    }
    assert.deepEqual(processesIn(copy), []);
  });

  it("reports a file that does not compile", async () => {
    writeFileSync(copy.path(LESSON), "export const broken: = ;\n");
    const watch = startCli(copy, "watch", ["01"]);
    try {
      await watch.waitFor("Watching lessons/01-setup.ts");
      assert.match(watch.output(), /could not be loaded/);
      watch.child.kill("SIGINT");
      assert.equal(await watch.exited, 0);
    } finally {
      watch.child.kill("SIGKILL");
    }
  });

  it("after finishing a lesson, moves on to the next unfinished one after it, not back to an earlier one", async () => {
    const wide = copyWorkbook(["01", "02", "03"]);
    try {
      const watch = startCli(wide, "watch", ["02"]);
      try {
        await watch.waitFor("Watching lessons/02-decorators.ts");
        writeFileSync(wide.path("lessons/02-decorators.ts"), cleanSolution(readFileSync(wide.path("solutions/02-decorators.ts"), "utf8")));
        await watch.waitFor(/Moving on to lesson \d\d/);
        assert.match(watch.output(), /Moving on to lesson 03/, watch.output());
        watch.child.kill("SIGINT");
        assert.equal(await watch.exited, 0);
      } finally {
        watch.child.kill("SIGKILL");
      }
      assert.deepEqual(processesIn(wide), []);
    } finally {
      wide.remove();
    }
  });

  it("stops, with everything it started, when npm gets SIGTERM", async () => {
    writeFileSync(copy.path(LESSON), "setInterval(() => {}, 1000);\nawait new Promise(() => {});\n");
    const npm = spawn("npm", ["run", "-s", "watch", "--", "01"], { cwd: copy.root, env: cliEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    npm.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => npm.on("close", resolve));
    try {
      await waitUntil(() => output.includes("checking lessons/01-setup.ts") && processesIn(copy).length >= 3, 60_000);
      npm.kill("SIGTERM");
      await exited;
      await waitUntil(() => processesIn(copy).length === 0, 10_000);
    } finally {
      npm.kill("SIGKILL");
    }
    assert.deepEqual(processesIn(copy), []);
  });

  it("explains bad input", () => {
    const unknown = runCli(copy, "watch", ["99"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /there is no lesson "99"/);
    assert.equal(runCli(copy, "watch", ["--nope"]).status, 2);
  });
});
