import type { Mutant } from "../mutants.ts";

/** A logger taken once, when the module loads: right in an app with one provider for its life. */
const moduleLevelLogger: Mutant = {
  kind: "correct",
  why: "a logger looked up once per module",
  edits: [
    ['export const LOGGER_NAME = "lesson-10";', 'export const LOGGER_NAME = "lesson-10";\nconst logger = logs.getLogger(LOGGER_NAME);'],
    ["  logs.getLogger(LOGGER_NAME).emit({", "  logger.emit({"],
  ],
};

export default [
  moduleLevelLogger,
  {
    task: 1,
    kind: "wrong",
    why: "a SimpleLogRecordProcessor: every emit() waits on the exporter",
    edits: [
      ["    processors: [new BatchLogRecordProcessor({ exporter })],", "    processors: [new SimpleLogRecordProcessor({ exporter })],"],
      ["  BatchLogRecordProcessor,\n", "  BatchLogRecordProcessor,\n  SimpleLogRecordProcessor,\n"],
    ],
    mentions: /exported inside emit\(\)/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "builds the provider but never registers it globally",
    edits: [["  logs.setGlobalLoggerProvider(provider);\n  return provider;", "  return provider;"]],
    mentions: /global LoggerProvider/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "leaves out the resource",
    edits: [["  const provider = new LoggerProvider({\n    resource,", "  const provider = new LoggerProvider({"]],
    mentions: /service\.name/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "passes ROOT_CONTEXT as the record's context, so no record finds its span",
    edits: [
      ["    attributes,\n    // No `context` here", "    attributes,\n    context: ROOT_CONTEXT,\n    // No `context` here"],
      ['import { context, trace, TraceFlags, type Context } from "@opentelemetry/api";', 'import { context, ROOT_CONTEXT, trace, TraceFlags, type Context } from "@opentelemetry/api";'],
    ],
    mentions: /carries no trace context/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "puts the level in severityText only (no severityNumber)",
    edits: [["    severityNumber: SEVERITY[level],\n", ""]],
    mentions: /severityNumber/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "takes the logger under another name",
    edits: [["  logs.getLogger(LOGGER_NAME).emit({", '  logs.getLogger("lesson10").emit({']],
    mentions: /instrumentation scope/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "writes trace_flags as a number",
    edits: [['    trace_flags: (spanContext.traceFlags & 0xff).toString(16).padStart(2, "0"),', "    trace_flags: spanContext.traceFlags as unknown as string,"]],
    mentions: /two hex digits/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "writes zero ids outside a span instead of none",
    edits: [["  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};", "  if (!spanContext) return { trace_id: \"0\".repeat(32), span_id: \"0\".repeat(16), trace_flags: \"00\" };"]],
    mentions: /no ids/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "reads the active span and ignores the ctx it is given",
    edits: [["  const spanContext = trace.getSpanContext(ctx);", "  void ctx;\n  const spanContext = trace.getActiveSpan()?.spanContext();"]],
    mentions: /unsampled span still has ids/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "binds the job when it runs (in drain), not when it is queued",
    edits: [
      ["    this.#jobs.push(context.bind(context.active(), job));", "    this.#jobs.push(job);"],
      ["    for (const job of this.#jobs.splice(0)) await job();", "    for (const job of this.#jobs.splice(0)) await context.bind(context.active(), job)();"],
    ],
    mentions: /points at the wrong span|no trace context/,
  },
  {
    kind: "correct",
    why: "passes context: context.active() explicitly",
    edits: [["    attributes,\n    // No `context` here", "    attributes,\n    context: context.active(),\n    // No `context` here"]],
  },
  {
    kind: "correct",
    why: "runs the job later with context.with() around it, capturing the context at push()",
    edits: [["    this.#jobs.push(context.bind(context.active(), job));", "    const queuedIn = context.active();\n    this.#jobs.push(() => context.with(queuedIn, job));"]],
  },
] satisfies Mutant[];
