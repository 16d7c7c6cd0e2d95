import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "ends the session span only when the discussion succeeds (not when every agent fails)",
    edits: [
      [
        "          return result;\n        } catch (err) {\n          recordSpanError(span, err);\n          throw err;\n        } finally {\n          span.end();\n        }\n      },\n    );\n    // #endregion\n    // #region TODO(1) exercise",
        "          span.end();\n          return result;\n        } catch (err) {\n          recordSpanError(span, err);\n          throw err;\n        }\n      },\n    );\n    // #endregion\n    // #region TODO(1) exercise",
      ],
    ],
    mentions: /every path/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "sets the GenAI workflow attributes in finally instead of at start",
    edits: [
      ["          [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,\n          [ATTR_GEN_AI_WORKFLOW_NAME]: this.config.name,\n", "          [ATTR_GEN_AI_WORKFLOW_NAME]: this.config.name,\n"],
      [
        "          recordSpanError(span, err);\n          throw err;\n        } finally {\n          span.end();\n        }\n      },\n    );\n    // #endregion\n    // #region TODO(1) exercise",
        "          recordSpanError(span, err);\n          throw err;\n        } finally {\n          span.setAttribute(ATTR_GEN_AI_OPERATION_NAME, GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW);\n          span.end();\n        }\n      },\n    );\n    // #endregion\n    // #region TODO(1) exercise",
      ],
    ],
    mentions: /when it started/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "starts the session span with startSpan and never makes it active",
    edits: [
      ["    return tracer().startActiveSpan(\n      `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW} ${this.config.name}`,", "    const startInactive = <T>(name: string, options: SpanOptions, fn: (span: Span) => T): T => fn(tracer().startSpan(name, options));\n    return startInactive(\n      `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW} ${this.config.name}`,"],
      ["import { metrics, SpanKind, trace,", "import { metrics, SpanKind, trace, type Span, type SpanOptions,"],
    ],
    mentions: /startActiveSpan/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "sets status OK on the session span when the discussion succeeds",
    edits: [["            span.addEvent(\"max_rounds_reached\", { [ATTR.maxRounds]: this.config.maxRounds });\n          }\n          return result;", "            span.addEvent(\"max_rounds_reached\", { [ATTR.maxRounds]: this.config.maxRounds });\n          }\n          span.setStatus({ code: SpanStatusCode.OK });\n          return result;"], ["import { metrics, SpanKind, trace,", "import { metrics, SpanKind, SpanStatusCode, trace,"]],
    mentions: /UNSET/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "adds max_rounds_reached without saying which limit was reached",
    edits: [['span.addEvent("max_rounds_reached", { [ATTR.maxRounds]: this.config.maxRounds });', 'span.addEvent("max_rounds_reached");']],
    mentions: /app\.group_chat\.max_rounds/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "ends the session span in catch and again in finally (ended twice)",
    edits: [
      [
        "          recordSpanError(span, err);\n          throw err;\n        } finally {\n          span.end();\n        }\n      },\n    );\n    // #endregion\n    // #region TODO(1) exercise",
        "          recordSpanError(span, err);\n          span.end();\n          throw err;\n        } finally {\n          span.end();\n        }\n      },\n    );\n    // #endregion\n    // #region TODO(1) exercise",
      ],
    ],
    mentions: /ended twice/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "a round span that never turns ERROR when every agent fails (the failure is not recorded)",
    edits: [
      [
        "        span.addEvent(\"round_completed\", counts);\n        return result;\n      } catch (err) {\n        recordSpanError(span, err);\n        throw err;",
        "        span.addEvent(\"round_completed\", counts);\n        return result;\n      } catch (err) {\n        throw err;",
      ],
    ],
    mentions: /not ERROR/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "the round number in the span name (group_chat.round 3)",
    edits: [['return tracer().startActiveSpan("group_chat.round", {', "return tracer().startActiveSpan(`group_chat.round ${round}`, {"]],
    mentions: /not the name/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "sets the GenAI agent attributes after the await instead of at start",
    edits: [
      ["      { kind: SpanKind.INTERNAL, attributes },\n      async (span) => {\n        try {\n          const reply = await super.askAgent(member, prompt, round);\n          span.setAttributes({", "      { kind: SpanKind.INTERNAL },\n      async (span) => {\n        try {\n          const reply = await super.askAgent(member, prompt, round);\n          span.setAttributes(attributes);\n          span.setAttributes({"],
    ],
    mentions: /when it started/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "sets status OK on every successful agent span",
    edits: [["            [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: reply.usage.outputTokens,\n          });\n          return reply;", "            [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: reply.usage.outputTokens,\n          });\n          span.setStatus({ code: SpanStatusCode.OK });\n          return reply;"], ["import { metrics, SpanKind, trace,", "import { metrics, SpanKind, SpanStatusCode, trace,"]],
    mentions: /UNSET/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "swallows the agent's error (records it, does not rethrow)",
    edits: [["          // recording an error is not handling it (task 5 decides what happens next).\n          recordSpanError(span, err);\n          throw err;", "          // recording an error is not handling it (task 5 decides what happens next).\n          recordSpanError(span, err);\n          return { round, agent: agent.name, role: member.role, content: \"\", usage: { inputTokens: 0, outputTokens: 0 } } as unknown as GroupMessage;"]],
  },
  {
    kind: "correct",
    why: "the agent span started with startSpan and made active with context.with(trace.setSpan(...))",
    edits: [
      [
        "    return tracer().startActiveSpan(\n      `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} ${agent.name}`,\n      { kind: SpanKind.INTERNAL, attributes },\n      async (span) => {",
        "    const started = tracer().startSpan(`${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} ${agent.name}`, { kind: SpanKind.INTERNAL, attributes });\n    return context.with(\n      trace.setSpan(context.active(), started),\n      async (span = started) => {",
      ],
      ["import { metrics, SpanKind, trace,", "import { context, metrics, SpanKind, trace,"],
    ],
  },
  {
    task: 5,
    kind: "wrong",
    why: "Promise.allSettled, but an empty round (every agent failed) is returned as a success",
    edits: [["    if (replies.length === 0 && failures.length > 0) {\n      throw new AggregateError", "    if (replies.length < 0 && failures.length > 0) {\n      throw new AggregateError"]],
  },
  {
    task: 6,
    kind: "wrong",
    why: "puts the session id on the per-agent metrics",
    edits: [["const attributes: Attributes = { [ATTR_GEN_AI_AGENT_NAME]: member.agent.name, [ATTR.role]: member.role };", "const attributes: Attributes = { [ATTR_GEN_AI_AGENT_NAME]: member.agent.name, [ATTR.role]: member.role, [ATTR_GEN_AI_CONVERSATION_ID]: this.session?.id ?? \"\" };"]],
    mentions: /session id/,
  },
] satisfies Mutant[];
