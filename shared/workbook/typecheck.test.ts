/**
 * The type check reads the text it is given for a file instead of the disk:
 * that is how `npm test` checks lessons/ as shipped whatever the learner did
 * to them, and how a learner's type error still reaches `verify`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pristineSource } from "../authoring/pristine.ts";
import { findLesson } from "./lessons.ts";
import { typecheck } from "./typecheck.ts";

describe("typecheck", () => {
  const lesson = findLesson("01");
  const test = lesson.testPath;

  it("reports a type error in the lesson a test imports, with file, line and message", () => {
    const broken = `${pristineSource(lesson)}\nexport const count: number = "three";\n`;
    const errors = typecheck({ files: [test], sources: new Map([[lesson.lessonPath, broken]]) });
    const line = broken.split("\n").length - 1;
    assert.deepEqual(
      errors.map((error) => `${error.file}:${error.line} ${error.message}`),
      [`lessons/01-setup.ts:${line} TS2322: Type 'string' is not assignable to type 'number'.`],
    );
  });

  it("reads the lesson as shipped when told to, whatever is on disk", () => {
    const errors = typecheck({ files: [test], sources: new Map([[lesson.lessonPath, pristineSource(lesson)]]) });
    assert.deepEqual(errors, []);
  });
});
