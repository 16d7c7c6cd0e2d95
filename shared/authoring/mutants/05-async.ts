import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "returns work() without await, so the span ends before its child",
    edits: [["      return await work();", "      return work();"]],
    mentions: /ended before its child/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "ends the task span in catch as well as in finally (ended twice)",
    edits: [["      recordSpanError(span, err);\n      throw err;\n    } finally {\n      span.end();\n    }\n  });\n  // #endregion", "      recordSpanError(span, err);\n      span.end();\n      throw err;\n    } finally {\n      span.end();\n    }\n  });\n  // #endregion"]],
    mentions: /ended twice/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "adds the all_tasks_completed event with bare keys (task.count) instead of the app. namespace",
    edits: [['{ "app.task.count": results.length, "app.task.failed": failed.length }', '{ "task.count": results.length, "task.failed": failed.length }']],
    mentions: /app\.task\.count/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "counts the tasks that were started as failed (app.task.failed: results.length)",
    edits: [['"app.task.failed": failed.length', '"app.task.failed": results.length']],
    mentions: /app\.task\.failed/,
  },
  {
    kind: "correct",
    why: "runTask with startActiveSpan and .finally() on the awaited promise instead of try/finally",
    edits: [
      [
        "  return tracer().startActiveSpan(name, async (span) => {\n    try {\n      return await work();\n    } catch (err) {\n      recordSpanError(span, err);\n      throw err;\n    } finally {\n      span.end();\n    }\n  });\n  // #endregion",
        "  return tracer().startActiveSpan(name, (span) =>\n    work()\n      .catch((err: unknown) => {\n        recordSpanError(span, err);\n        throw err;\n      })\n      .finally(() => span.end()),\n  );\n  // #endregion",
      ],
    ],
  },
  {
    task: 2,
    kind: "wrong",
    why: "binds the job to the context captured when the queue was created (the worker's), not when it is enqueued",
    edits: [["return await queue.enqueue(context.bind(context.active(), job));", "return await queue.enqueue(context.bind(ROOT_CONTEXT, job));"], ['import { context, trace, type Link', 'import { ROOT_CONTEXT, context, trace, type Link']],
    mentions: /worker's context/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "wraps the enqueue() call in context.with(): enqueue runs in the request's context, the job still in the worker's",
    edits: [["return await queue.enqueue(context.bind(context.active(), job));", "return await context.with(context.active(), () => queue.enqueue(job));"]],
    mentions: /worker's context/,
  },
  {
    kind: "correct",
    why: "a queue that captures the context itself: context.active() in enqueue(), context.with() in the worker",
    edits: [
      [
        "      this.#jobs.push(() => job().then(resolve, reject));",
        "      const captured = context.active();\n      this.#jobs.push(() => context.with(captured, job).then(resolve, reject));",
      ],
      ["return await queue.enqueue(context.bind(context.active(), job));", "return await queue.enqueue(job);"],
    ],
  },
  {
    task: 3,
    kind: "wrong",
    why: "links the memory update but leaves it a child of handle_request (no root: true)",
    edits: [["updateMemory(llm, message, { root: true, links: [link] })", "updateMemory(llm, message, { links: [link] })"]],
    mentions: /SpanOptions\.root/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "starts the memory update as a new root but forgets the link",
    edits: [["updateMemory(llm, message, { root: true, links: [link] })", "updateMemory(llm, message, { root: true })"]],
    mentions: /no link to handle_request/,
  },
] satisfies Mutant[];
