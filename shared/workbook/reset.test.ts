import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("explains bad input", () => {
    const unknown = runCli(copy, "reset", ["42", "--yes"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /there is no lesson "42"/);
    assert.equal(runCli(copy, "reset").status, 2);
    assert.equal(runCli(copy, "reset", ["01", "02"]).status, 2);
  });
});
