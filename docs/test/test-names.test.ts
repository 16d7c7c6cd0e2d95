import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { testsByTask } from "../generator/test-names.ts";

describe("testsByTask", () => {
  it("groups it() names under their Task describe, in task order", () => {
    const source = `
      describe("Task 2: second", () => { it("b1", f); });
      describe("Task 1: first", () => { it('a1', f); describe("nested", () => { it("a2", f); }); });
      describe("Demonstration", () => {});`;
    assert.deepEqual(testsByTask(source), [
      { task: 1, title: "first", tests: ["a1", "a2"] },
      { task: 2, title: "second", tests: ["b1"] },
    ]);
  });

  it("shows a template literal's run-time parts as an ellipsis, and unescapes quotes", () => {
    const source = 'describe("Task 1: t", () => { it(`a malformed traceparent (${header.slice(0, 24)}) starts a new trace`, f); it("says \\"hi\\"", f); });';
    assert.deepEqual(testsByTask(source)[0]?.tests, ["a malformed traceparent (…) starts a new trace", 'says "hi"']);
  });
});
