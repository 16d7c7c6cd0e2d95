import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "returns work() without await, so the span ends before its child",
    edits: [["      return await work();", "      return work();"]],
    mentions: /ended before/,
  },
] satisfies Mutant[];
