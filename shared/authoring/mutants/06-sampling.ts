import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "a ratio sampler that rolls Math.random() instead of deciding from the trace id",
    edits: [
      [
        "  return new TraceIdRatioBasedSampler(ratio);\n  // #endregion",
        "  return {\n    shouldSample: () => ({ decision: Math.random() < ratio ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD }),\n    toString: () => `Random{${ratio}}`,\n  };\n  // #endregion",
      ],
    ],
    mentions: /different decisions|Math\.random/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "follows remote parents only: local parents get the ratio again",
    edits: [
      [
        "return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(localRatio) });",
        "return new ParentBasedSampler({\n    root: new TraceIdRatioBasedSampler(localRatio),\n    localParentSampled: new TraceIdRatioBasedSampler(localRatio),\n    localParentNotSampled: new TraceIdRatioBasedSampler(localRatio),\n  });",
      ],
    ],
    mentions: /same process/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "follows local parents only: a remote caller's decision is ignored",
    edits: [
      [
        "return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(localRatio) });",
        "return new ParentBasedSampler({\n    root: new TraceIdRatioBasedSampler(localRatio),\n    remoteParentSampled: new TraceIdRatioBasedSampler(localRatio),\n    remoteParentNotSampled: new TraceIdRatioBasedSampler(localRatio),\n  });",
      ],
    ],
    mentions: /remote parent/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "ParentBased around AlwaysOn: follows parents, but keeps every trace that starts here",
    edits: [["return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(localRatio) });", "return new ParentBasedSampler({ root: new AlwaysOnSampler() });"]],
    mentions: /localRatio/,
  },
  {
    kind: "correct",
    why: "ParentBased with every delegate spelled out as the defaults",
    edits: [
      [
        "return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(localRatio) });",
        "return new ParentBasedSampler({\n    root: new TraceIdRatioBasedSampler(localRatio),\n    remoteParentSampled: new AlwaysOnSampler(),\n    remoteParentNotSampled: new AlwaysOffSampler(),\n    localParentSampled: new AlwaysOnSampler(),\n    localParentNotSampled: new AlwaysOffSampler(),\n  });",
      ],
    ],
  },
  {
    task: 3,
    kind: "wrong",
    why: "looks for health checks in http.route only, not at the end of the span name",
    edits: [['const route = attributes[ATTR_HTTP_ROUTE] ?? spanName.split(" ").at(-1);', "const route = attributes[ATTR_HTTP_ROUTE];"]],
    mentions: /span name/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "keeps GenAI spans by span name prefix (chat ...) instead of gen_ai.operation.name",
    edits: [["if (attributes[ATTR_GEN_AI_OPERATION_NAME] !== undefined) {", 'if (spanName.startsWith("chat ")) {']],
    mentions: /gen_ai\.operation\.name/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "the GenAI rule answers RECORD (processors only) instead of RECORD_AND_SAMPLED",
    edits: [["      return { decision: SamplingDecision.RECORD_AND_SAMPLED };\n    }\n    // #endregion", "      return { decision: SamplingDecision.RECORD };\n    }\n    // #endregion"]],
    mentions: /RECORD_AND_SAMPLED/,
  },
  {
    kind: "correct",
    why: "a health-route check with a regular expression on the span name",
    edits: [['const route = attributes[ATTR_HTTP_ROUTE] ?? spanName.split(" ").at(-1);', 'const route = attributes[ATTR_HTTP_ROUTE] ?? /\\S+$/.exec(spanName)?.[0];']],
  },
  {
    task: 4,
    kind: "wrong",
    why: "passes the sampler but reads process.env instead of the env it was given",
    edits: [["return setupTelemetry({ ...options, sampler: defaultSampler, env });", "return setupTelemetry({ ...options, sampler: defaultSampler });"]],
    mentions: /TelemetryOptions\.env/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "passes the env but forgets the default sampler",
    edits: [["return setupTelemetry({ ...options, sampler: defaultSampler, env });", "return setupTelemetry({ ...options, env });"]],
    mentions: /TelemetryOptions\.sampler/,
  },
  {
    task: 5,
    kind: "wrong",
    why: "builds the details first and checks isRecording() only before setting them",
    edits: [["  if (!span.isRecording()) return;\n  span.setAttributes(buildDetails());", "  const details = buildDetails();\n  if (span.isRecording()) span.setAttributes(details);"]],
    mentions: /isRecording/,
  },
] satisfies Mutant[];
