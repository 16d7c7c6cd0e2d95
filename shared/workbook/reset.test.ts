import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyWorkbook, runCli, type Copy } from "./cli-fixture.ts";
import { deriveExercise } from "../authoring/derive.ts";

const LESSON = "lessons/01-setup.ts";
let copy: Copy;
let pristine: string;
before(() => {
  copy = copyWorkbook(["01"]);
  pristine = deriveExercise(readFileSync(copy.path("solutions/01-setup.ts"), "utf8"));
});
after(() => copy.remove());

/** A fingerprint of every file the learner owns except the one being reset. */
function otherFiles(): string {
  const hash = createHash("sha256");
  for (const folder of ["lessons", "solutions"]) {
    for (const file of readdirSync(copy.path(folder)).sort()) {
      if (`${folder}/${file}` !== LESSON) hash.update(file).update(readFileSync(join(copy.path(folder), file)));
    }
  }
  return hash.digest("hex");
}

describe("npm run reset", { concurrency: 1 }, () => {
  it("refuses without --yes when nobody can answer, and changes nothing", () => {
    writeFileSync(copy.path(LESSON), "// my work\n");
    const run = runCli(copy, "reset", ["01"]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /--yes/);
    assert.equal(readFileSync(copy.path(LESSON), "utf8"), "// my work\n");
  });

  it("with --yes restores the starting version, keeps a backup, and touches nothing else", () => {
    writeFileSync(copy.path(LESSON), "// my work\n");
    const before = otherFiles();
    const run = runCli(copy, "reset", ["01", "--yes"]);
    assert.equal(run.status, 0, run.output);
    assert.equal(readFileSync(copy.path(LESSON), "utf8"), pristine);
    assert.equal(otherFiles(), before);
    const backups = readdirSync(copy.path(".workbook/backup"));
    assert.equal(backups.length, 1);
    assert.equal(readFileSync(copy.path(`.workbook/backup/${backups[0]}`), "utf8"), "// my work\n");
  });

  it("says so when the lesson is already at its start", () => {
    const run = runCli(copy, "reset", ["01"]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.stdout, /already at its starting version/);
  });

  it("brings back a deleted lesson file", () => {
    rmSync(copy.path(LESSON));
    const run = runCli(copy, "reset", ["1", "--yes"]);
    assert.equal(run.status, 0, run.output);
    assert.ok(existsSync(copy.path(LESSON)));
    assert.equal(readFileSync(copy.path(LESSON), "utf8"), pristine);
  });

  it("--undo puts back the version the last reset replaced, and says how in the reset's output", () => {
    writeFileSync(copy.path(LESSON), "// my precious work\n");
    const reset = runCli(copy, "reset", ["01", "--yes"]);
    assert.equal(reset.status, 0, reset.output);
    assert.match(reset.stdout, /npm run reset -- 01 --undo/);
    assert.equal(runCli(copy, "reset", ["01", "--undo"]).status, 1, "--undo replaces a file too: it asks, or needs --yes");
    const undo = runCli(copy, "reset", ["01", "--undo", "--yes"]);
    assert.equal(undo.status, 0, undo.output);
    assert.equal(readFileSync(copy.path(LESSON), "utf8"), "// my precious work\n");
  });

  it("never writes through a symbolic link: the link becomes a regular file and its target is untouched", () => {
    const outside = mkdtempSync(join(tmpdir(), "reset-target-"));
    const target = join(outside, "precious.ts");
    writeFileSync(target, "// a file outside the workbook\n");
    rmSync(copy.path(LESSON), { force: true });
    symlinkSync(target, copy.path(LESSON));
    try {
      const run = runCli(copy, "reset", ["01", "--yes"]);
      assert.equal(run.status, 0, run.output);
      assert.equal(readFileSync(target, "utf8"), "// a file outside the workbook\n");
      assert.ok(!lstatSync(copy.path(LESSON)).isSymbolicLink());
      assert.equal(readFileSync(copy.path(LESSON), "utf8"), pristine);
      assert.match(run.stdout, /symbolic link/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("explains a folder in the lesson's place, without a stack", () => {
    rmSync(copy.path(LESSON), { force: true });
    mkdirSync(copy.path(LESSON));
    const run = runCli(copy, "reset", ["01", "--yes"]);
    rmSync(copy.path(LESSON), { recursive: true });
    writeFileSync(copy.path(LESSON), pristine);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /🚨 lessons\/01-setup\.ts is a folder, not a file/);
    assert.doesNotMatch(run.output, /\n\s+at /);
  });

  it("explains a read-only lesson file, without a stack, and leaves it alone", () => {
    writeFileSync(copy.path(LESSON), "// read-only work\n");
    chmodSync(copy.path(LESSON), 0o444);
    const run = runCli(copy, "reset", ["01", "--yes"]);
    chmodSync(copy.path(LESSON), 0o644);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /🚨 lessons\/01-setup\.ts is read-only[\s\S]*chmod u\+w/);
    assert.doesNotMatch(run.output, /\n\s+at /);
    assert.equal(readFileSync(copy.path(LESSON), "utf8"), "// read-only work\n");
  });

  it("explains bad input", () => {
    const unknown = runCli(copy, "reset", ["42", "--yes"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /there is no lesson "42"/);
    assert.equal(runCli(copy, "reset").status, 2);
    assert.equal(runCli(copy, "reset", ["01", "02"]).status, 2);
  });
});
