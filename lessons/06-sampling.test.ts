/**
 * Lesson 06 tests. `npm run verify -- 06` runs them against your
 * lessons/06-sampling.ts; one describe per task in lessons/06-sampling.md.
 *
 * Every count here is deterministic: trace ids come from a seeded generator,
 * and the ratio sampler decides from the trace id alone, so the same seed
 * gives the same decisions on every run and every machine.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Attributes, type Context } from "@opentelemetry/api";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
} from "@opentelemetry/sdk-trace-base";
import { TracedAgent } from "../shared/agents/index.ts";
import { ConfigError } from "../shared/telemetry/index.ts";
import { loadLesson } from "../shared/testing/index.ts";
import type * as Lesson from "./06-sampling.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

const decide = (sampler: Sampler, traceId: string, name = "work", attributes: Attributes = {}, parent: Context = ROOT_CONTEXT) =>
  // The decision's name, so a failure reads "NOT_RECORD !== RECORD_AND_SAMPLED", not "0 !== 2".
  SamplingDecision[sampler.shouldSample(parent, traceId, name, SpanKind.INTERNAL, attributes, []).decision];

/** A context whose active span is a remote parent, as extract() makes from a traceparent header. */
const remoteParent = (traceId: string, sampled: boolean): Context => parentIn(traceId, sampled, true);

/** A context whose active span is a local parent: a span started earlier in this process. */
const localParent = (traceId: string, sampled: boolean): Context => parentIn(traceId, sampled, false);

function parentIn(traceId: string, sampled: boolean, isRemote: boolean): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: "00f067aa0ba902b7",
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote,
  });
}

// The ratio sampler XORs the trace id's four 32-bit words and keeps the trace
// when the result is below ratio × 2^32. These two ids sit at the ends of that range.
const ALWAYS_KEPT_ID = "00000000000000000000000000000001"; // → 1: kept by any ratio > 0
const ALWAYS_DROPPED_ID = "ffffffff000000000000000000000000"; // → 0xffffffff: dropped by any ratio < 1

describe("Task 1: head sampling by trace id ratio", () => {
  it("keeps about 10% of 2000 traces (0.1 ± 0.02)", () => {
    // Deterministic given the seed: with seed 2024 a TraceIdRatioBasedSampler(0.1)
    // keeps 186 traces. The tolerance (±40 traces, about 3 standard deviations of
    // a binomial(2000, 0.1)) only allows other correct samplers.
    const kept = lesson.countKept(lesson.createRatioSampler(0.1), 2000, 2024);
    assert.ok(
      kept >= 160 && kept <= 240,
      `🚨 a 10% sampler kept ${kept} of 2000 traces (${((100 * kept) / 2000).toFixed(1)}%). ` +
        "createRatioSampler() should return the SDK's ratio sampler (the seed's TraceIdRatioBased) for the ratio it is given.",
    );
  });

  it("follows the ratio it is given", () => {
    const kept = lesson.countKept(lesson.createRatioSampler(0.5), 2000, 7);
    assert.ok(kept >= 900 && kept <= 1100, `🚨 a 50% sampler kept ${kept} of 2000 traces: pass \`ratio\` to the sampler`);
  });

  it("decides from the trace id, so every service agrees without talking", () => {
    const sampler = lesson.createRatioSampler(0.1);
    assert.equal(
      decide(sampler, ALWAYS_DROPPED_ID),
      "NOT_RECORD",
      `🚨 trace ${ALWAYS_DROPPED_ID} should be dropped by a 10% TraceIdRatioBasedSampler`,
    );
    const again = [1, 2, 3, 4, 5].map(() => decide(sampler, ALWAYS_KEPT_ID));
    assert.deepEqual(
      again,
      Array(5).fill("RECORD_AND_SAMPLED"),
      "🚨 the same trace id got different decisions: decide from the trace id (TraceIdRatioBasedSampler), not Math.random()",
    );
  });
});

describe("Task 2: follow the caller's decision", () => {
  it("records a request whose traceparent says sampled, even if its own ratio would drop it", () => {
    const sampler = lesson.createDownstreamSampler(0.5);
    assert.equal(
      decide(sampler, ALWAYS_DROPPED_ID, "POST /llm", {}, remoteParent(ALWAYS_DROPPED_ID, true)),
      "RECORD_AND_SAMPLED",
      "🚨 the caller sampled this trace (traceparent flags 01) but this service dropped its part: the trace has a hole. " +
        "A span with a remote parent should follow the parent's sampled flag: look at ParentBasedSampler.",
    );
  });

  it("drops a request whose traceparent says not sampled, even if its own ratio would keep it", () => {
    const sampler = lesson.createDownstreamSampler(0.5);
    assert.equal(
      decide(sampler, ALWAYS_KEPT_ID, "POST /llm", {}, remoteParent(ALWAYS_KEPT_ID, false)),
      "NOT_RECORD",
      "🚨 the caller dropped this trace (traceparent flags 00) but this service recorded its span: an orphan whose parent " +
        "never reaches the backend. A span with a remote parent should follow the parent's sampled flag: look at ParentBasedSampler.",
    );
  });

  it("follows a local parent too: a span started inside a sampled span is sampled, inside a dropped one is dropped", () => {
    const sampler = lesson.createDownstreamSampler(0.5);
    assert.equal(
      decide(sampler, ALWAYS_DROPPED_ID, "chat gpt-4", {}, localParent(ALWAYS_DROPPED_ID, true)),
      "RECORD_AND_SAMPLED",
      "🚨 a child of a sampled span in this same process was dropped: the trace loses its inner spans. " +
        "ParentBasedSampler has separate delegates for remote and local parents (remoteParentSampled, localParentSampled, ...); " +
        "the defaults follow the parent's flag for both.",
    );
    assert.equal(
      decide(sampler, ALWAYS_KEPT_ID, "chat gpt-4", {}, localParent(ALWAYS_KEPT_ID, false)),
      "NOT_RECORD",
      "🚨 a child of a dropped span in this same process was recorded: an orphan whose parent is never exported. " +
        "ParentBasedSampler has separate delegates for remote and local parents (remoteParentNotSampled, localParentNotSampled, ...); " +
        "the defaults follow the parent's flag for both.",
    );
  });

  it("uses localRatio for traces that start here", () => {
    const kept = lesson.countKept(lesson.createDownstreamSampler(0.25), 2000, 11);
    assert.ok(kept >= 440 && kept <= 560, `🚨 root spans: ${kept} of 2000 kept, expected about 25%: a trace that starts here should be sampled at localRatio (ParentBasedSampler's root sampler)`);
  });

  it("keeps traces whole across two services joined by traceparent", async () => {
    const run = await lesson.runTwoServices({
      upstreamSampler: new TraceIdRatioBasedSampler(0.1),
      downstreamSampler: lesson.createDownstreamSampler(0.5),
      requests: 300,
      seed: 99,
    });
    const upstream = new Set(run.upstream.map((span) => span.spanContext().traceId));
    const downstream = new Set(run.downstream.map((span) => span.spanContext().traceId));
    const orphans = [...downstream].filter((id) => !upstream.has(id));
    const holes = [...upstream].filter((id) => !downstream.has(id));
    assert.ok(upstream.size > 0, "🚨 the upstream kept nothing; the test needs some sampled traces");
    assert.equal(orphans.length, 0, `🚨 ${orphans.length} downstream spans belong to traces the upstream dropped: the downstream should follow its parent's sampled flag (ParentBasedSampler)`);
    assert.equal(holes.length, 0, `🚨 ${holes.length} traces kept upstream have no downstream span: the downstream should follow its parent's sampled flag (ParentBasedSampler)`);
    // What "not sampled" looks like on the wire: valid ids, flags 00. (Given code, not a task: a guard on runTwoServices.)
    const dropped = run.traceparents.filter((header) => header.endsWith("-00"));
    assert.equal(dropped.length, 300 - upstream.size, "🚨 every unsampled call should still send a traceparent, with flags 00 (runTwoServices injects it whether or not the span records)");
    for (const header of dropped) assert.match(header, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/, `🚨 "${header}" is not a valid traceparent with flags 00`);
  });
});

describe("Task 3: a sampler that knows what an agent app is", () => {
  // The fallback keeps nothing / everything, so only the rules can explain a decision.
  const dropRest = () => new lesson.AgentAwareSampler(new AlwaysOffSampler());
  const keepRest = () => new lesson.AgentAwareSampler(new AlwaysOnSampler());

  it("drops health checks, by http.route or by span name", () => {
    assert.equal(
      decide(keepRest(), ALWAYS_KEPT_ID, "GET", { "http.route": "/health" }),
      "NOT_RECORD",
      '🚨 a span with http.route "/health" was sampled: a health check (a route in HEALTH_ROUTES) should get the decision SamplingDecision.NOT_RECORD',
    );
    assert.equal(
      decide(keepRest(), ALWAYS_KEPT_ID, "GET /healthz"),
      "NOT_RECORD",
      '🚨 a span named "GET /healthz" (no http.route attribute) was sampled: also look at the route at the end of the span name',
    );
  });

  it("keeps every GenAI operation, whatever the fallback says", () => {
    for (const operation of ["chat", "invoke_agent"]) {
      assert.equal(
        decide(dropRest(), ALWAYS_DROPPED_ID, `${operation} x`, { "gen_ai.operation.name": operation }),
        "RECORD_AND_SAMPLED",
        `🚨 a span with gen_ai.operation.name="${operation}" was not kept although the fallback drops it: a GenAI operation should get SamplingDecision.RECORD_AND_SAMPLED, before the fallback is asked`,
      );
    }
  });

  it("asks the fallback about everything else", () => {
    const attributes = { "http.route": "/docs" };
    assert.equal(decide(keepRest(), ALWAYS_DROPPED_ID, "GET /docs", attributes), "RECORD_AND_SAMPLED", "🚨 a span no rule is about was not kept, although the fallback (AlwaysOn here) keeps it: ask the fallback sampler's shouldSample() for everything else");
    assert.equal(decide(dropRest(), ALWAYS_KEPT_ID, "GET /docs", attributes), "NOT_RECORD", "🚨 a span no rule is about was kept, although the fallback (AlwaysOff here) drops it: ask the fallback sampler's shouldSample() for everything else");
  });

  it("keeps a whole agent turn on a real provider, with a 0% fallback", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      sampler: new lesson.AgentAwareSampler(new TraceIdRatioBasedSampler(0)),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer("test");
    tracer.startSpan("GET /health", { attributes: { "http.route": "/health" } }).end();
    const agent = new TracedAgent("support_agent", "gpt-4", { tracer });
    await agent.processMessage("user_1", "Where is my order?");
    const names = exporter.getFinishedSpans().map((span) => span.name).sort();
    assert.deepEqual(
      names,
      ["chat gpt-4", "invoke_agent support_agent"],
      `🚨 recorded ${JSON.stringify(names)}: the agent turn (invoke_agent + chat) should be kept and the health check dropped`,
    );
    await provider.shutdown();
  });

  it("describes itself in toString()", () => {
    assert.match(String(dropRest()), /AlwaysOffSampler/, "🚨 toString() should include the fallback's toString()");
  });
});

describe("Task 4: let the operator choose", () => {
  /** Starts `count` spans under remote parents with seeded trace ids; returns how many were recorded. */
  async function recordedUnder(env: Record<string, string | undefined>, defaultSampler: Sampler, count: number): Promise<number> {
    const exporter = new InMemorySpanExporter();
    const telemetry = lesson.setupSampledTelemetry(defaultSampler, env, {
      serviceName: "task-4",
      exporters: ["none"],
      spanExporters: [exporter],
      register: false,
    });
    const ids = new lesson.SeededIdGenerator(2024);
    for (let i = 0; i < count; i++) {
      // traceidratio ignores the parent's flag and decides on the trace id, which we chose.
      telemetry.tracer().startSpan("work", {}, remoteParent(ids.generateTraceId(), true)).end();
    }
    const recorded = exporter.getFinishedSpans().length;
    await telemetry.shutdown();
    return recorded;
  }

  it("uses the default sampler from code when the environment sets none", async () => {
    const recorded = await recordedUnder({}, new AlwaysOffSampler(), 50);
    assert.equal(recorded, 0, `🚨 the default sampler (AlwaysOff here) was not used: ${recorded} of 50 spans recorded. setupTelemetry() takes the code's default sampler as an option: look at TelemetryOptions.sampler.`);
  });

  it('lets OTEL_TRACES_SAMPLER=traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1 override it', async () => {
    const env = { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" };
    const recorded = await recordedUnder(env, new AlwaysOnSampler(), 2000);
    assert.ok(
      recorded >= 160 && recorded <= 240,
      `🚨 with OTEL_TRACES_SAMPLER=traceidratio and ARG=0.1, ${recorded} of 2000 spans were recorded (expected about 200). ` +
        "setupTelemetry() reads OTEL_* from the environment it is given: look at TelemetryOptions.env.",
    );
  });

  it("stops with a clear error on a malformed value", () => {
    assert.throws(
      () => lesson.setupSampledTelemetry(new AlwaysOnSampler(), { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "10%" }, { serviceName: "x", exporters: ["none"], register: false }),
      (error: unknown) => error instanceof ConfigError && /OTEL_TRACES_SAMPLER_ARG/.test(error.message),
      "🚨 OTEL_TRACES_SAMPLER_ARG=10% should stop setup with a ConfigError: is the environment you were given passed on to setupTelemetry() (TelemetryOptions.env)?",
    );
  });
});

describe("Task 5: don't pay for what nobody records", () => {
  function spanFrom(sampler: Sampler) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    return { span: provider.getTracer("test").startSpan("handle_message"), exporter };
  }

  it("does not build details for a span that is not recording", () => {
    const { span } = spanFrom(new AlwaysOffSampler());
    let builds = 0;
    lesson.addConversationDetails(span, () => {
      builds++;
      return { "app.conversation.summary": "expensive" };
    });
    span.end();
    assert.equal(
      builds,
      0,
      "🚨 the details were computed for a span that is not recording (not sampled): check span.isRecording() first",
    );
  });

  it("still adds them to a recording span", () => {
    const { span, exporter } = spanFrom(new AlwaysOnSampler());
    lesson.addConversationDetails(span, () => ({ "app.conversation.summary": "expensive" }));
    span.end();
    assert.equal(exporter.getFinishedSpans()[0]?.attributes["app.conversation.summary"], "expensive", "🚨 a sampled (recording) span should still get the details");
  });
});
