import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "keeps the Prometheus-style name agent_requests_total",
    edits: [['return meter.createCounter("agent.requests", {', 'return meter.createCounter("agent_requests_total", {']],
    mentions: /no metric named "agent\.requests"/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "records the outcome under a bare key (agent.outcome) instead of the app. namespace",
    edits: [['export const ATTR_AGENT_OUTCOME = "app.agent.outcome";', 'export const ATTR_AGENT_OUTCOME = "agent.outcome";']],
    mentions: /app\.agent\.outcome/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "a histogram in milliseconds with no bucket advice",
    edits: [['    unit: "s",\n    description: "Time to answer one user message",\n    advice: { explicitBucketBoundaries: RESPONSE_BUCKETS },', '    unit: "s",\n    description: "Time to answer one user message",']],
    mentions: /advice/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "an observable gauge for the queue length (values that add up)",
    edits: [['const depth = meter.createObservableUpDownCounter("agent.queue.depth"', 'const depth = meter.createObservableGauge("agent.queue.depth"']],
    mentions: /adds up/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "an observable counter (monotonic) for a queue length that goes down",
    edits: [['const depth = meter.createObservableUpDownCounter("agent.queue.depth"', 'const depth = meter.createObservableCounter("agent.queue.depth"']],
    mentions: /up-down counter/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "observes the length once, when the instrument is created",
    edits: [["depth.addCallback((result) => result.observe(queue.length));", "const length = queue.length;\n  depth.addCallback((result) => result.observe(length));"]],
    mentions: /every collection/,
  },
  {
    task: 5,
    kind: "wrong",
    why: "a wildcard View (instrumentName \"*\") that turns every counter into a histogram",
    edits: [['    instrumentName: "agent.response.duration",\n    aggregation:', '    instrumentName: "*",\n    aggregation:']],
    mentions: /wildcard/,
  },
  {
    kind: "correct",
    why: "the duration View also scoped to the application's meter (meterName: METER_NAME)",
    edits: [['    instrumentName: "agent.response.duration",\n    aggregation:', '    instrumentName: "agent.response.duration",\n    meterName: METER_NAME,\n    aggregation:']],
  },
  {
    kind: "correct",
    why: "the cardinality View scoped to the application's meter and instrument type",
    edits: [['    instrumentName: "agent.requests",\n    attributesProcessors:', '    instrumentName: "agent.requests",\n    meterName: METER_NAME,\n    instrumentType: InstrumentType.COUNTER,\n    attributesProcessors:'], ["  AggregationType,\n", "  AggregationType,\n  InstrumentType,\n"]],
  },
  {
    task: 6,
    kind: "wrong",
    why: "a deny-list of user.id instead of an allow-list",
    edits: [["createAllowListAttributesProcessor([ATTR_GEN_AI_AGENT_NAME, ATTR_AGENT_OUTCOME])", "createDenyListAttributesProcessor([ATTR_USER_ID])"], ["  createAllowListAttributesProcessor,\n", "  createDenyListAttributesProcessor,\n"]],
    mentions: /allow-list/,
  },
  {
    task: 7,
    kind: "wrong",
    why: "adds up the count of points (how many calls) instead of their sum (how many tokens)",
    edits: [["totals[type] += point.value.sum ?? 0;", "totals[type] += point.value.count;"]],
    mentions: /sum/,
  },
] satisfies Mutant[];
