/**
 * Lesson 07 tests. `npm run verify -- 07` runs them against your
 * lessons/07-metrics.ts; one describe per task in lessons/07-metrics.md.
 *
 * Each test gets fresh global providers (useTestTelemetry) and reads the
 * metrics back with collectMetrics(): the real SDK aggregation, no mocks.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { metrics, type Attributes } from "@opentelemetry/api";
import { DataPointType, type MetricData } from "@opentelemetry/sdk-metrics";
import { FakeLLM, TracedAgent } from "../shared/agents/index.ts";
import { loadLesson, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./07-metrics.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

const meter = () => metrics.getMeter("lesson-07-test");
/** The app's own meter: the one its instruments come from (METER_NAME). An operator's View may select by it. */
const appMeter = () => metrics.getMeter(lesson.METER_NAME, "1.0.0");

function metricNamed(data: readonly MetricData[], name: string, hint: string): MetricData {
  const found = data.find((metric) => metric.descriptor.name === name);
  if (!found) {
    const names = data.map((metric) => metric.descriptor.name).join(", ") || "(none)";
    assert.fail(`🚨 no metric named "${name}"; collected: ${names}. ${hint}`);
  }
  return found;
}

/** Points as "attr=value …" → value, for readable comparisons. */
function byAttributes(metric: MetricData): Record<string, unknown> {
  const key = (attributes: Attributes) =>
    Object.keys(attributes)
      .sort()
      .map((k) => `${k}=${String(attributes[k])}`)
      .join(" ");
  return Object.fromEntries(metric.dataPoints.map((point) => [key(point.attributes), point.value]));
}

describe("Task 1: a counter, named the OpenTelemetry way", () => {
  const telemetry = useTestTelemetry();

  it('is called "agent.requests" with unit "{request}"', async () => {
    lesson.createRequestCounter(meter()).add(1);
    const data = await telemetry.collectMetrics();
    const counter = metricNamed(
      data,
      "agent.requests",
      'OpenTelemetry names are dotted, with no unit and no "_total" (a Prometheus exporter adds agent_requests_total itself).',
    );
    assert.equal(counter.descriptor.unit, "{request}", '🚨 give the counter unit "{request}": a count of requests, in curly-brace annotation form');
    assert.ok(counter.descriptor.description, "🚨 give the counter a description");
    assert.equal(counter.dataPointType, DataPointType.SUM, `🚨 agent.requests is a ${DataPointType[counter.dataPointType]}: a count of requests is a Counter (meter.createCounter)`);
    assert.equal(counter.dataPointType === DataPointType.SUM && counter.isMonotonic, true, "🚨 a request count only goes up: a Counter, not an UpDownCounter");
  });

  it("counts the app's requests by agent and outcome", async () => {
    const instruments = lesson.createAgentMetrics(meter());
    const ok = new TracedAgent("support_agent", "gpt-4", { llm: new FakeLLM({ latencyMs: 0 }) });
    const llm = new FakeLLM({ latencyMs: 0 });
    llm.failNext("rate_limit");
    const failing = new TracedAgent("research_agent", "gpt-4", { llm });
    await lesson.handleMessage(instruments, ok, "user_1", "hi");
    await lesson.handleMessage(instruments, ok, "user_1", "again");
    await lesson.handleMessage(instruments, failing, "user_2", "hi");
    const requests = metricNamed(await telemetry.collectMetrics(), "agent.requests", "Create it in createRequestCounter().");
    const total = (filter: (attributes: Attributes) => boolean) =>
      requests.dataPoints.filter((point) => filter(point.attributes)).reduce((sum, point) => sum + Number(point.value), 0);
    const seen = JSON.stringify(requests.dataPoints.map((point) => point.attributes));
    assert.equal(total((a) => a["gen_ai.agent.name"] === "support_agent" && a["app.agent.outcome"] === "success"), 2, `🚨 expected two successful requests to support_agent (gen_ai.agent.name, app.agent.outcome "success"); the series are ${seen}`);
    assert.equal(total((a) => a["gen_ai.agent.name"] === "research_agent" && a["app.agent.outcome"] === "error"), 1, `🚨 expected one failed request to research_agent (app.agent.outcome "error"); the series are ${seen}`);
  });
});

describe("Task 2: a histogram with buckets that fit", () => {
  const telemetry = useTestTelemetry();

  it('is called "agent.response.duration", in seconds ("s")', async () => {
    lesson.createResponseDuration(meter()).record(0.2);
    const histogram = metricNamed(
      await telemetry.collectMetrics(),
      "agent.response.duration",
      'Name it "agent.response.duration": no unit in the name, the unit goes in { unit: "s" }.',
    );
    assert.equal(histogram.descriptor.unit, "s", '🚨 durations are in seconds, unit "s" (UCUM), as the semantic conventions use');
    assert.equal(histogram.dataPointType, DataPointType.HISTOGRAM, `🚨 agent.response.duration is a ${DataPointType[histogram.dataPointType]}: a distribution of durations is a Histogram (meter.createHistogram)`);
  });

  it("advises RESPONSE_BUCKETS, so responses spread over buckets", async () => {
    const histogram = lesson.createResponseDuration(meter());
    for (const seconds of [0.004, 0.02, 0.2, 0.7, 3]) histogram.record(seconds);
    const data = metricNamed(await telemetry.collectMetrics(), "agent.response.duration", "See the previous test.");
    assert.equal(data.dataPointType, DataPointType.HISTOGRAM, "🚨 agent.response.duration should be a Histogram (meter.createHistogram)");
    const point = data.dataPoints[0]!;
    const { boundaries, counts } = (point.value as { buckets: { boundaries: number[]; counts: number[] } }).buckets;
    assert.deepEqual(
      boundaries,
      lesson.RESPONSE_BUCKETS,
      `🚨 the buckets are ${JSON.stringify(boundaries)}, not RESPONSE_BUCKETS${boundaries[boundaries.length - 1] === 10000 ? " (the SDK default, made for milliseconds)" : ""}. ` +
        "An instrument can suggest its own boundaries when it is created: look at the advice option of createHistogram (explicitBucketBoundaries).",
    );
    assert.equal(counts.filter((count) => count > 0).length, 5, `🚨 five different response times should land in five buckets; the counts are ${JSON.stringify(counts)}`);
  });
});

describe("Task 3: a value that goes up and down", () => {
  const telemetry = useTestTelemetry();

  it("goes down when a session closes", async () => {
    const sessions = lesson.createActiveSessions(meter());
    sessions.add(1);
    sessions.add(1);
    sessions.add(1);
    sessions.add(-1);
    const active = metricNamed(await telemetry.collectMetrics(), "agent.sessions.active", 'Name it "agent.sessions.active".');
    assert.equal(
      active.dataPoints[0]?.value,
      2,
      `🚨 3 sessions opened and 1 closed, but the metric says ${String(active.dataPoints[0]?.value)}: ` +
        "a Counter ignores negative values (the SDK drops them). Look at meter.createUpDownCounter.",
    );
    assert.equal(active.dataPointType === DataPointType.SUM && !active.isMonotonic, true, "🚨 it must be a non-monotonic sum (an UpDownCounter)");
    assert.equal(active.descriptor.unit, "{session}", '🚨 unit "{session}"');
  });

  it("counts the sessions still open after the workload", async () => {
    const instruments = lesson.createAgentMetrics(meter());
    const agents = new Map(
      ["support_agent", "billing_agent", "research_agent"].map((name) => [name, new TracedAgent(name, "gpt-4", { llm: new FakeLLM({ latencyMs: 0 }) })]),
    );
    await lesson.runWorkload(instruments, lesson.workloadMessages(8, 2), agents);
    const active = metricNamed(await telemetry.collectMetrics(), "agent.sessions.active", "");
    // Users 100..107; every 4th (100 and 104) is still chatting at the end.
    assert.equal(active.dataPoints[0]?.value, 2, "🚨 8 users opened a session and 6 closed theirs: expected 2 open");
  });
});

describe("Task 4: a value observed when metrics are collected", () => {
  const telemetry = useTestTelemetry();

  it("reports the queue's length at each collection", async () => {
    const queue = ["a", "b", "c"];
    lesson.observeQueueDepth(meter(), queue);
    const first = await telemetry.collectMetrics();
    const depth = first.find((metric) => metric.descriptor.name === "agent.queue.depth");
    assert.equal(
      depth?.dataPoints[0]?.value,
      3,
      `🚨 agent.queue.depth reported ${depth ? String(depth.dataPoints[0]?.value ?? "no value") : "nothing (no such metric)"} for a queue of 3: ` +
        "an observable instrument reports only through a callback the SDK runs at each collection (addCallback, result.observe).",
    );
    queue.push("d", "e");
    const second = metricNamed(await telemetry.collectMetrics(), "agent.queue.depth", "");
    assert.equal(second.dataPoints[0]?.value, 5, "🚨 the callback should read the queue again at every collection, not remember the first value");
  });

  it("is an observable up-down counter: queue lengths add up across workers", async () => {
    lesson.observeQueueDepth(meter(), ["a", "b"]);
    const depth = metricNamed(await telemetry.collectMetrics(), "agent.queue.depth", 'Name it "agent.queue.depth".');
    assert.equal(
      depth.dataPointType === DataPointType.SUM && !depth.isMonotonic,
      true,
      `🚨 agent.queue.depth is a ${DataPointType[depth.dataPointType]}${depth.dataPointType === DataPointType.SUM ? " that only goes up" : ""}. ` +
        "Two workers with 3 and 5 messages waiting have 8 waiting: a queue length adds up, so it is an up-down counter, " +
        "and one you observe is meter.createObservableUpDownCounter (the SDK's own otel.sdk.processor.span.queue.size is one). " +
        "A gauge is for values that do not add up, such as a temperature or a CPU utilisation.",
    );
    assert.equal(depth.descriptor.unit, "{message}", '🚨 unit "{message}": a count of messages');
  });
});

describe("Task 5: a View overrides the buckets", () => {
  const boundaries = [0.1, 1, 10];
  const telemetry = useTestTelemetry({ views: [lesson.durationView(boundaries)] });

  it("wins over the instrument's advice", async () => {
    // Created here, on the app's meter, with advice of its own, so only your View can change the buckets.
    const histogram = appMeter().createHistogram("agent.response.duration", { unit: "s", advice: { explicitBucketBoundaries: [1, 2, 3] } });
    histogram.record(0.5);
    const data = metricNamed(await telemetry.collectMetrics(), "agent.response.duration", "Did the View rename it? Only select it.");
    const value = data.dataPoints[0]?.value as { buckets?: { boundaries: number[] } } | undefined;
    assert.deepEqual(
      value?.buckets?.boundaries,
      boundaries,
      `🚨 the buckets are ${JSON.stringify(value?.buckets?.boundaries)}, from the instrument's advice: the View changed nothing. ` +
        "A View replaces the aggregation of what it selects: look at ViewOptions.aggregation and AggregationType.EXPLICIT_BUCKET_HISTOGRAM.",
    );
  });

  it("leaves other instruments alone: other histograms keep their buckets, counters stay counters", async () => {
    appMeter().createHistogram("other.duration", { unit: "s", advice: { explicitBucketBoundaries: [1, 2, 3] } }).record(0.5);
    appMeter().createCounter("other.requests", { unit: "{request}" }).add(1);
    const data = await telemetry.collectMetrics();
    const counter = metricNamed(data, "other.requests", "");
    assert.equal(
      counter.dataPointType,
      DataPointType.SUM,
      `🚨 the counter other.requests came out as a ${DataPointType[counter.dataPointType]}: the View selects more than agent.response.duration. ` +
        'A wildcard instrumentName ("*") matches every instrument, counters included, and turns them all into histograms.',
    );
    const value = metricNamed(data, "other.duration", "").dataPoints[0]?.value as { buckets: { boundaries: number[] } };
    assert.deepEqual(value.buckets.boundaries, [1, 2, 3], '🚨 the histogram other.duration lost its own buckets: the View should select only the instrument named "agent.response.duration"');
  });
});

describe("Task 6: keep user ids out of metrics", () => {
  const telemetry = useTestTelemetry({ views: [lesson.requestsCardinalityView()] });

  it("drops user.id, so 50 users make 2 series, not 100", async () => {
    const counter = appMeter().createCounter("agent.requests", { unit: "{request}" });
    for (let user = 0; user < 50; user++) {
      for (const outcome of ["success", "error"]) {
        counter.add(1, { "gen_ai.agent.name": "support_agent", "app.agent.outcome": outcome, "user.id": `user_${user}` });
      }
    }
    const requests = metricNamed(await telemetry.collectMetrics(), "agent.requests", "Did the View rename it? Only select it.");
    assert.deepEqual(
      byAttributes(requests),
      { "app.agent.outcome=error gen_ai.agent.name=support_agent": 50, "app.agent.outcome=success gen_ai.agent.name=support_agent": 50 },
      `🚨 agent.requests has ${requests.dataPoints.length} series; with user.id each user is a series of its own. ` +
        "The View should keep only gen_ai.agent.name and app.agent.outcome: look at ViewOptions.attributesProcessors and createAllowListAttributesProcessor.",
    );
  });

  it("also keeps out attributes nobody has added yet (an allow-list, not a deny-list)", async () => {
    const counter = appMeter().createCounter("agent.requests", { unit: "{request}" });
    // Next year's high-cardinality attribute: a deny-list of user.id lets it through.
    for (let session = 0; session < 20; session++) {
      counter.add(1, { "gen_ai.agent.name": "support_agent", "app.agent.outcome": "success", "session.id": `s_${session}` });
    }
    const requests = metricNamed(await telemetry.collectMetrics(), "agent.requests", "Did the View rename it? Only select it.");
    assert.deepEqual(
      byAttributes(requests),
      { "app.agent.outcome=success gen_ai.agent.name=support_agent": 20 },
      `🚨 agent.requests has ${requests.dataPoints.length} series: "session.id" got through. A deny-list drops only the ` +
        "attributes you name; an allow-list keeps only gen_ai.agent.name and app.agent.outcome, whatever else is added later " +
        "(createAllowListAttributesProcessor).",
    );
  });
});

describe("Task 7: read the GenAI client metrics back", () => {
  const telemetry = useTestTelemetry();

  it("adds up input and output tokens from gen_ai.client.token.usage", async () => {
    const agent = new TracedAgent("support_agent", "gpt-4", { llm: new FakeLLM({ latencyMs: 0 }) });
    const replies = [await agent.processMessage("u", "Where is my order?"), await agent.processMessage("u", "你好")];
    const expected = {
      input: replies.reduce((sum, reply) => sum + reply.usage.inputTokens, 0),
      output: replies.reduce((sum, reply) => sum + reply.usage.outputTokens, 0),
    };
    const data = await telemetry.collectMetrics();
    assert.deepEqual(
      lesson.tokenUsageTotals(data),
      expected,
      `🚨 the token totals are ${JSON.stringify(lesson.tokenUsageTotals(data))}, the model used ${JSON.stringify(expected)}. ` +
        "gen_ai.client.token.usage is a histogram: each point keeps the count and the sum of what was recorded, one point per gen_ai.token.type.",
    );
  });

  it("ignores other metrics", async () => {
    assert.deepEqual(lesson.tokenUsageTotals([]), { input: 0, output: 0 }, "🚨 no metrics collected means no tokens: expected { input: 0, output: 0 }");
    // Another histogram with the same attribute and "token" in its name: only the
    // metric named gen_ai.client.token.usage is the model's token usage.
    meter().createHistogram("app.token.estimate", { unit: "{token}" }).record(1000, { "gen_ai.token.type": "input" });
    assert.deepEqual(
      lesson.tokenUsageTotals(await telemetry.collectMetrics()),
      { input: 0, output: 0 },
      "🚨 tokens were counted from a metric other than gen_ai.client.token.usage: select the metric by its exact name (METRIC_GEN_AI_CLIENT_TOKEN_USAGE)",
    );
  });
});
