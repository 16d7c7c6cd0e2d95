import type { Mutant } from "../mutants.ts";

const SIGTERM_HANDLER = `  process.once("SIGTERM", () => {
    sdk
      .shutdown()
      .catch((error: unknown) => console.error(\`telemetry shutdown failed: \${String(error)}\`))
      .finally(() => process.exit(0));
  });`;

export default [
  {
    task: 1,
    kind: "wrong",
    why: "both instrumentations, but no ESM loader hook: node:http imported as ESM is never patched",
    edits: [['  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);\n', "  void register;\n"]],
    mentions: /loader hook/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "HttpInstrumentation only: fetch is undici, which it does not see",
    edits: [["[new HttpInstrumentation(), new UndiciInstrumentation()]", "[new HttpInstrumentation()]"]],
    mentions: /UndiciInstrumentation/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "the resource is right, but serviceName is passed too, and it beats OTEL_SERVICE_NAME",
    edits: [["    instrumentations,\n", "    serviceName: SERVICE_NAME,\n    instrumentations,\n"]],
    mentions: /serviceName/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "a resource of its own that replaces defaultResource(), losing telemetry.sdk.*",
    edits: [["    resource: defaultResource().merge(\n      resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME, [ATTR_SERVICE_VERSION]: SERVICE_VERSION }),\n    ),",
      "    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME, [ATTR_SERVICE_VERSION]: SERVICE_VERSION }),\n    ...(defaultResource ? {} : {}),"]],
    mentions: /telemetry\.sdk/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "startSpan instead of startActiveSpan: the span is never active, the fetch is not its child",
    edits: [[
      "  return tracer.startActiveSpan(",
      "  return ((name: string, options: Parameters<typeof tracer.startSpan>[1], fn: (span: ReturnType<typeof tracer.startSpan>) => Promise<AgentAnswer>) =>\n    fn(tracer.startSpan(name, options)))(",
    ]],
    mentions: /active one/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "the error is rethrown but never recorded on the span (status stays UNSET)",
    edits: [["        recordSpanError(span, error);\n", ""]],
    mentions: /record the error/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "span.end() only on the success path: a failed step's span never ends",
    edits: [
      ["        return answer;", "        span.end();\n        return answer;"],
      ["      } finally {\n        span.end();\n      }\n    },\n  );", "      }\n    },\n  );"],
    ],
    mentions: /every path/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "no token usage on the agent span",
    edits: [["          [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: answer.usage.inputTokens,\n          [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: answer.usage.outputTokens,\n", ""]],
    mentions: /gen_ai\.usage/,
  },
  {
    kind: "correct",
    why: "startSpan made active by hand with context.with(trace.setSpan(...))",
    edits: [
      ['import { SpanKind, trace } from "@opentelemetry/api";', 'import { context, SpanKind, trace } from "@opentelemetry/api";'],
      [
        "  return tracer.startActiveSpan(",
        "  return ((name: string, options: Parameters<typeof tracer.startSpan>[1], fn: (span: ReturnType<typeof tracer.startSpan>) => Promise<AgentAnswer>) => {\n" +
          "    const span = tracer.startSpan(name, options);\n" +
          "    return context.with(trace.setSpan(context.active(), span), () => fn(span));\n" +
          "  })(",
      ],
    ],
  },
  {
    task: 4,
    kind: "wrong",
    why: "exits right away without waiting for shutdown() to flush",
    edits: [[SIGTERM_HANDLER, '  process.once("SIGTERM", () => {\n    void sdk.shutdown();\n    process.exit(0);\n  });']],
    mentions: /Await the SDK's shutdown/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "flushes on SIGTERM but never exits: the HTTP server keeps the process alive",
    edits: [[SIGTERM_HANDLER, '  process.once("SIGTERM", () => {\n    void sdk.shutdown();\n  });']],
    mentions: /still running/,
  },
  {
    kind: "correct",
    why: "an async handler that awaits shutdown() then exits",
    edits: [[SIGTERM_HANDLER, '  process.on("SIGTERM", async () => {\n    await sdk.shutdown();\n    process.exit(0);\n  });']],
  },
] satisfies Mutant[];
