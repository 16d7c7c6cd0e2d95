import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "drops the inject: the request carries no trace context",
    edits: [["        propagation.inject(context.active(), headers);", "        // (no inject)"]],
    mentions: /traceparent/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "injects a context built from ROOT_CONTEXT and the span: the caller's baggage is lost",
    edits: [["propagation.inject(context.active(), headers);", "propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);"],
      ["import { context, propagation, ROOT_CONTEXT,", "import { trace, context, propagation, ROOT_CONTEXT,"]],
    mentions: /baggage/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "swaps the span kinds: the gateway's call is SERVER and the service's span CLIENT",
    edits: [
      ["      kind: SpanKind.CLIENT,", "      kind: SpanKind.SERVER,"],
      ["        kind: SpanKind.SERVER,", "        kind: SpanKind.CLIENT,"],
    ],
    mentions: /CLIENT span/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "lets recordSpanError overwrite error.type on a 4xx/5xx: error.type becomes the thrown error's class",
    edits: [["if (!(err instanceof HttpStatusError)) recordSpanError(span, err);", "recordSpanError(span, err);"]],
    mentions: /status code as a string/,
  },
  {
    kind: "correct",
    why: "error.type = the exception's class name for a call that got no answer (the conventions allow it)",
    edits: [
      [
        "if (!(err instanceof HttpStatusError)) recordSpanError(span, err);",
        'if (!(err instanceof HttpStatusError)) {\n          recordSpanError(span, err);\n          span.setAttribute(ATTR_ERROR_TYPE, err instanceof Error ? err.name : "_OTHER");\n        }',
      ],
    ],
  },
  {
    kind: "correct",
    why: "injects the CLIENT span set explicitly on the active context",
    edits: [["propagation.inject(context.active(), headers);", "propagation.inject(trace.setSpan(context.active(), span), headers);"],
      ["import { context, propagation, ROOT_CONTEXT,", "import { trace, context, propagation, ROOT_CONTEXT,"]],
  },
  {
    task: 2,
    kind: "wrong",
    why: "drops the extract: every request starts a new trace",
    edits: [["const parent = propagation.extract(ROOT_CONTEXT, req.headers);", "const parent = ROOT_CONTEXT;"]],
    mentions: /new trace/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "extracts into context.active() on the server: a request without traceparent joins whatever span was active at listen()",
    edits: [["const parent = propagation.extract(ROOT_CONTEXT, req.headers);", "const parent = propagation.extract(context.active(), req.headers);"]],
    mentions: /ROOT_CONTEXT/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "starts from a new, empty baggage: entries set upstream are dropped",
    edits: [["const baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();", "const baggage = propagation.createBaggage();"]],
    mentions: /upstream/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "sets the baggage on ROOT_CONTEXT: the returned context loses the active span",
    edits: [["return propagation.setBaggage(ctx, baggage.setEntry(", "return propagation.setBaggage(ROOT_CONTEXT, baggage.setEntry("]],
    mentions: /lost its span/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "the user-id pattern has no anchors: anything that contains a valid run of characters passes",
    edits: [["const USER_ID_FORMAT = /^[A-Za-z0-9_.-]{1,64}$/;", "const USER_ID_FORMAT = /[A-Za-z0-9_.-]{1,64}/;"]],
    mentions: /was accepted/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "checks only the length",
    edits: [["return value !== undefined && USER_ID_FORMAT.test(value) ? value : undefined;", "return value !== undefined && value.length <= 64 ? value : undefined;"]],
    mentions: /was accepted/,
  },
  {
    kind: "correct",
    why: "checks length and characters separately",
    edits: [
      [
        "return value !== undefined && USER_ID_FORMAT.test(value) ? value : undefined;",
        "return value !== undefined && value.length >= 1 && value.length <= 64 && /^[\\w.-]+$/.test(value) ? value : undefined;",
      ],
    ],
  },
] satisfies Mutant[];
