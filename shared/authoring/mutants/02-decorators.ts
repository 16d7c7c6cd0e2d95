import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "starts the span with startSpan: it is never the active span",
    edits: [
      [
        "      return tracer().startActiveSpan(name ?? `${owner}.${methodName}`, (span) =>\n        endSpanAfter(span, () => method.apply(this, args)),\n      );",
        "      const span = tracer().startSpan(name ?? `${owner}.${methodName}`);\n      return endSpanAfter(span, () => method.apply(this, args));",
      ],
    ],
    mentions: /startActiveSpan/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "puts the call's arguments in the span name (high cardinality)",
    edits: [["name ?? `${owner}.${methodName}`, (span) =>", "name ?? `${owner}.${methodName}(${args.join(\", \")})`, (span) =>"]],
    mentions: /expected (one|two) span/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "ignores static methods: the name comes from the constructor of the class itself (Function)",
    edits: [["const owner = context.static ? (this as { name: string }).name : (this as object).constructor.name;", "const owner = (this as object).constructor.name;"]],
    mentions: /Counter\.create/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "returns an arrow function: `this` is not the instance",
    edits: [["    return function (this: This, ...args: Args): Return {\n      // A name per", "    return (...args: Args): Return => {\n      // A name per"]],
    mentions: /arrow/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "ends the span in fail() and again before rethrowing",
    edits: [["    fail(err);\n    throw err; // recording", "    fail(err);\n    span.end();\n    throw err; // recording"]],
    mentions: /ended twice/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "rethrows new Error(String(err)) instead of the original value",
    edits: [["    fail(err);\n    throw err; // recording", "    fail(err);\n    throw new Error(String(err)); // recording"]],
    mentions: /same error/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "sets status ERROR without a message",
    edits: [["span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });", "span.setStatus({ code: SpanStatusCode.ERROR });"]],
    mentions: /status message/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "sets OK on every success",
    edits: [["  span.end();\n  return result;\n  // #endregion", "  span.setStatus({ code: SpanStatusCode.OK });\n  span.end();\n  return result;\n  // #endregion"]],
    mentions: /UNSET/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "swallows the rejection after recording it",
    edits: [["      (err: unknown) => {\n        fail(err);\n        throw err;\n      },", "      (err: unknown) => {\n        fail(err);\n        return undefined;\n      },"]],
    mentions: /same rejection/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "sets the request attributes after the await, so a failed request lacks them",
    edits: [
      [
        '    trace.getActiveSpan()?.setAttributes({\n      [ATTR_USER_ID]: userId,',
        '    const describe = () => trace.getActiveSpan()?.setAttributes({\n      [ATTR_USER_ID]: userId,',
      ],
      [
        "    const reply = await this.processMessage(userId, `${question}\\n\\nSources:\\n${notes}`);",
        "    const reply = await this.processMessage(userId, `${question}\\n\\nSources:\\n${notes}`);\n    describe();",
      ],
    ],
    mentions: /before the first await|app\.request\.size|user\.id/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "uses the bare key request.size",
    edits: [['      "app.request.size": Buffer.byteLength(question),', '      "request.size": Buffer.byteLength(question),']],
    mentions: /app\.request\.size/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "uses the bare key sources.count on the event",
    edits: [['{ "app.sources.count": sources.length }', '{ "sources.count": sources.length }']],
    mentions: /app\.sources\.count/,
  },
  {
    kind: "correct",
    why: "sets the request attributes one by one",
    edits: [
      [
        '    trace.getActiveSpan()?.setAttributes({\n      [ATTR_USER_ID]: userId,',
        '    const span = trace.getActiveSpan();\n    span?.setAttribute(ATTR_USER_ID, userId);\n    span?.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, this.model);\n    span?.setAttribute("app.request.size", Buffer.byteLength(question));\n    void ({\n      [ATTR_USER_ID]: userId,',
      ],
    ],
  },
] satisfies Mutant[];
