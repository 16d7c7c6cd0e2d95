import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "merges the wrong way round: the SDK's placeholder service.name wins",
    edits: [
      ["  return defaultResource().merge(\n    resourceFromAttributes({", "  return resourceFromAttributes({"],
      ['      [ATTR_SERVICE_NAMESPACE]: "ai-agents",\n    }),\n  );', '      [ATTR_SERVICE_NAMESPACE]: "ai-agents",\n    }).merge(defaultResource());'],
    ],
    mentions: /wrong way round/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "passes only its own attributes: telemetry.sdk.* are gone",
    edits: [
      ["  return defaultResource().merge(\n    resourceFromAttributes({", "  return resourceFromAttributes({"],
      ['      [ATTR_SERVICE_NAMESPACE]: "ai-agents",\n    }),\n  );', '      [ATTR_SERVICE_NAMESPACE]: "ai-agents",\n    });'],
    ],
    mentions: /telemetry\.sdk/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "uses the deprecated key deployment.environment",
    edits: [["      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: environment,", '      "deployment.environment": environment,']],
    mentions: /deployment\.environment\.name/,
  },
  {
    kind: "correct",
    why: "writes the resource keys as strings",
    edits: [["      [ATTR_SERVICE_NAME]: serviceName,", '      "service.name": serviceName,']],
  },
  {
    task: 2,
    kind: "wrong",
    why: "uses a SimpleSpanProcessor",
    edits: [["spanProcessors: [new BatchSpanProcessor(exporter)] });\n  // #endregion", "spanProcessors: [new SimpleSpanProcessor(exporter)] });\n  // #endregion"]],
    mentions: /SimpleSpanProcessor/,
  },
  {
    kind: "correct",
    why: "a BatchSpanProcessor with its own schedule",
    edits: [["spanProcessors: [new BatchSpanProcessor(exporter)] });\n  // #endregion", "spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })] });\n  // #endregion"]],
  },
  {
    task: 3,
    kind: "wrong",
    why: "registers no context manager",
    edits: [["  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());", ""]],
    mentions: /context manager/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "registers the trace-context propagator alone: no baggage",
    edits: [["propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),\n  );\n  // #endregion", "propagators: [new W3CTraceContextPropagator()] }),\n  );\n  // #endregion"]],
    mentions: /baggage/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "ends the span in the try and again in finally",
    edits: [["      return `Hello, ${userId}!`;\n    } finally {", "      span.end();\n      return `Hello, ${userId}!`;\n    } finally {"]],
    mentions: /ended twice/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "puts the user id in the span name",
    edits: [['return tracer.startActiveSpan("greet_user", async (span) => {', "return tracer.startActiveSpan(`greet_user ${userId}`, async (span) => {"]],
    mentions: /greet_user/,
  },
  {
    task: 5,
    kind: "wrong",
    why: "only flushes: the exporter is never shut down",
    edits: [["  await provider.shutdown();\n  // #endregion", "  await provider.forceFlush();\n  // #endregion"]],
    mentions: /forceFlush/,
  },
  {
    kind: "correct",
    why: "flushes, then shuts down",
    edits: [["  await provider.shutdown();\n  // #endregion", "  await provider.forceFlush();\n  await provider.shutdown();\n  // #endregion"]],
  },
] satisfies Mutant[];
