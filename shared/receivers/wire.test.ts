/**
 * What leaves the process, checked at the wire: the kit's Zipkin, Jaeger
 * (HTTP and UDP) and OTLP exporters against receivers that decode each
 * backend's published format. Two services in one process, one calling the
 * other with the trace context injected, so ids must line up across them.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { setupTelemetry, type Telemetry } from "../telemetry/index.ts";
import { startJaegerAgent, startJaegerCollector, startOtlpReceiver, startZipkinReceiver, traces, waitUntil, type WireSpan } from "./index.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A planner service calls a tools service; the call carries traceparent. */
async function twoServices(env: Record<string, string>): Promise<{ lines: string[] }> {
  const lines: string[] = [];
  const warn = (line: string) => lines.push(line);
  const planner: Telemetry = setupTelemetry({ serviceName: "planner", warn, env });
  const tools: Telemetry = setupTelemetry({ serviceName: "tools", register: false, warn, env });
  await planner.tracer("wire").startActiveSpan("plan", async (plan) => {
    plan.setAttribute("gen_ai.agent.name", "planner");
    const carrier: Record<string, string> = {};
    const call = planner.tracer("wire").startSpan("call tools", { kind: SpanKind.CLIENT });
    propagation.inject(trace.setSpan(context.active(), call), carrier);
    // The "other side": extract and continue the trace in the tools service.
    const incoming = propagation.extract(context.active(), carrier);
    const serve = tools.tracer("wire").startSpan("run tool", { kind: SpanKind.SERVER, attributes: { "tool.name": "search" } }, incoming);
    serve.addEvent("cache miss");
    serve.setStatus({ code: SpanStatusCode.ERROR, message: "tool failed" });
    serve.end();
    call.end();
    plan.end();
  });
  await tools.shutdown();
  await planner.shutdown();
  return { lines };
}

function assertOneTraceAcrossServices(spans: WireSpan[]): void {
  assert.equal(spans.length, 3, `expected 3 spans, got ${spans.map((s) => s.name).join(", ")}`);
  assert.equal(traces(spans).size, 1, "all spans belong to one trace");
  const byName = (name: string) => spans.find((span) => span.name === name) ?? assert.fail(`no span ${name}`);
  const plan = byName("plan");
  const call = byName("call tools");
  const serve = byName("run tool");
  assert.equal(plan.parentId, undefined);
  assert.equal(call.parentId, plan.spanId);
  assert.equal(serve.parentId, call.spanId, "the server span's parent is the client span from the other service");
  assert.deepEqual([plan.serviceName, call.serviceName, serve.serviceName], ["planner", "planner", "tools"]);
  assert.equal(call.kind, "CLIENT");
  assert.equal(serve.kind, "SERVER");
  assert.equal(plan.kind, "INTERNAL");
  assert.equal(serve.tags["tool.name"], "search");
  assert.equal(plan.tags["gen_ai.agent.name"], "planner");
  assert.deepEqual(serve.events, ["cache miss"]);
  assert.equal(serve.status, "ERROR");
  for (const span of spans) assert.ok(Number.isSafeInteger(span.startMicros) && span.startMicros > 1.6e15, `start of ${span.name} is epoch µs`);
}

describe("exporters at the wire", () => {
  it("zipkin: every span passes the v2 checks and the trace spans both services", async () => {
    const zipkin = await startZipkinReceiver();
    closers.push(() => zipkin.close());
    const { lines } = await twoServices({ OTEL_TRACES_EXPORTER: "zipkin", OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.endpoint });
    assert.deepEqual(zipkin.rejections, []);
    assertOneTraceAcrossServices(zipkin.spans());
    assert.deepEqual(lines, [], "nothing lost, nothing to say");
  });

  it("jaeger over HTTP: Thrift batches decode with the jaeger-client IDL", async () => {
    const jaeger = await startJaegerCollector();
    closers.push(() => jaeger.close());
    const { lines } = await twoServices({ OTEL_TRACES_EXPORTER: "jaeger", OTEL_EXPORTER_JAEGER_ENDPOINT: jaeger.endpoint });
    assert.deepEqual(jaeger.rejections, []);
    assertOneTraceAcrossServices(jaeger.spans());
    assert.deepEqual(lines, []);
  });

  it("jaeger over UDP: emitBatch datagrams reach the agent, and the kit says UDP cannot confirm delivery", async () => {
    const agent = await startJaegerAgent();
    closers.push(() => agent.close());
    process.env.OTEL_EXPORTER_JAEGER_AGENT_HOST = agent.host;
    process.env.OTEL_EXPORTER_JAEGER_AGENT_PORT = String(agent.port);
    try {
      const { lines } = await twoServices({ OTEL_TRACES_EXPORTER: "jaeger" });
      await waitUntil(() => agent.spans().length >= 3, "the agent got fewer than 3 spans");
      assertOneTraceAcrossServices(agent.spans());
      assert.ok(lines.some((line) => /UDP, which gives no delivery signal/.test(line)), lines.join("\n"));
    } finally {
      delete process.env.OTEL_EXPORTER_JAEGER_AGENT_HOST;
      delete process.env.OTEL_EXPORTER_JAEGER_AGENT_PORT;
    }
  });

  it("otlp: the exporter posts OTLP/JSON that decodes to the same trace", async () => {
    const otlp = await startOtlpReceiver();
    closers.push(() => otlp.close());
    const { lines } = await twoServices({ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
    assert.ok(otlp.contentTypes.length > 0 && otlp.contentTypes.every((type) => type.startsWith("application/json")), otlp.contentTypes.join());
    assertOneTraceAcrossServices(otlp.spans());
    assert.deepEqual(lines, []);
  });

  it("otlp: protobuf, the spec's default protocol, decodes to the same trace", async () => {
    const otlp = await startOtlpReceiver();
    closers.push(() => otlp.close());
    const { lines } = await twoServices({ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.endpoint });
    assert.ok(otlp.contentTypes.length > 0 && otlp.contentTypes.every((type) => type.startsWith("application/x-protobuf")), otlp.contentTypes.join());
    assertOneTraceAcrossServices(otlp.spans());
    assert.deepEqual(lines, []);
  });

  it("zipkin: an explicit sub-microsecond start time still goes out as whole microseconds", async () => {
    const zipkin = await startZipkinReceiver();
    closers.push(() => zipkin.close());
    const telemetry = setupTelemetry({
      serviceName: "clock",
      warn: () => {},
      env: { OTEL_TRACES_EXPORTER: "zipkin", OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.endpoint },
    });
    const now = Date.now();
    telemetry.tracer().startSpan("hr", { startTime: [Math.floor(now / 1000), 123_456_789] }).end();
    telemetry.tracer().startSpan("perf", { startTime: performance.now() - 0.0004 }).end();
    await telemetry.shutdown();
    assert.deepEqual(zipkin.rejections, [], "Zipkin would answer 400 to a fractional timestamp");
    assert.equal(zipkin.received.length, 2);
    assert.equal(zipkin.received.find((span) => span.name === "hr")?.timestamp, Math.floor(now / 1000) * 1e6 + 123_456);
  });
});
