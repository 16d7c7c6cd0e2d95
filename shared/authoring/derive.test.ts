import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cleanSolution, deriveExercise, findRegions, MarkerError, tasksIn } from "./derive.ts";

const solution = `const a = 1;
// TODO(1): double it
// #region TODO(1) solution
const b = a * 2;
// #endregion
// #region TODO(1) exercise
// const b = a;
// #endregion
function f() {
  // TODO(2): return b
  // #region TODO(2) solution
  return b;
  // #endregion
  // #region TODO(2) exercise
  // return 0;
  // #endregion
}
`;

describe("deriveExercise", () => {
  it("un-solves every task for the lesson as shipped, keeping indentation and the TODO comments", () => {
    assert.equal(
      deriveExercise(solution),
      "const a = 1;\n// TODO(1): double it\nconst b = a;\nfunction f() {\n  // TODO(2): return b\n  return 0;\n}\n",
    );
  });

  it("un-solves only the tasks asked for", () => {
    const onlyTwo = deriveExercise(solution, [2]);
    assert.match(onlyTwo, /const b = a \* 2;/);
    assert.match(onlyTwo, /return 0;/);
    assert.doesNotMatch(onlyTwo, /#region/);
  });

  it("cleanSolution keeps the solution and drops the exercise", () => {
    const clean = cleanSolution(solution);
    assert.match(clean, /const b = a \* 2;/);
    assert.doesNotMatch(clean, /const b = a;|return 0|#region|#endregion/);
  });

  it("lists the tasks", () => {
    assert.deepEqual(tasksIn(solution), [1, 2]);
    assert.equal(findRegions(solution).length, 4);
  });

  it("names the line of a broken marker", () => {
    assert.throws(() => findRegions("// #region TODO(1) solution\nx\n"), (error: Error) => error instanceof MarkerError && /:1: TODO\(1\) solution region is never closed/.test(error.message));
    assert.throws(() => findRegions("x\n// #endregion\n"), /:2: #endregion without/);
    assert.throws(() => findRegions("// #region TODO(1) solutoin\n"), /malformed marker/);
  });
});
