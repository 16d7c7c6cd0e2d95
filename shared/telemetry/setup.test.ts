import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { context, propagation, trace } from "@opentelemetry/api";
import { AlwaysOffSampler, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { ConfigError } from "./env.ts";
import { setupTelemetry, type Telemetry } from "./setup.ts";

let telemetry: Telemetry | undefined;
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
});

const quiet = { exporters: ["none" as const], warn: () => {} };

describe("setupTelemetry", () => {
  it("builds the resource from code, merged with SDK defaults, and lets the environment override it", () => {
    telemetry = setupTelemetry({
      ...quiet,
      serviceName: "agent",
      serviceVersion: "1.2.3",
      env: { OTEL_RESOURCE_ATTRIBUTES: "team=ml,service.version=9.9.9", OTEL_SERVICE_NAME: "renamed" },
    });
    const attributes = telemetry.resource.attributes;
    assert.equal(attributes["service.name"], "renamed");
    assert.equal(attributes["service.version"], "9.9.9");
    assert.equal(attributes["team"], "ml");
    assert.equal(attributes["service.namespace"], "ai-agents");
    assert.equal(attributes["deployment.environment.name"], "development");
    assert.equal(attributes["telemetry.sdk.language"], "nodejs");
  });

  it("registers provider, context manager and propagator, and unregisters them on shutdown", async () => {
    const exporter = new InMemorySpanExporter();
    telemetry = setupTelemetry({ ...quiet, serviceName: "agent", spanExporters: [exporter], env: {} });
    const tracer = trace.getTracer("test");
    await tracer.startActiveSpan("parent", async (parent) => {
      await new Promise((resolve) => setImmediate(resolve));
      tracer.startSpan("child").end();
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      assert.match(headers.traceparent ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      parent.end();
    });
    const [child, parent] = exporter.getFinishedSpans();
    assert.equal(child?.parentSpanContext?.spanId, parent?.spanContext().spanId);

    await telemetry.shutdown();
    trace.getTracer("after").startSpan("ignored").end();
    assert.equal(exporter.getFinishedSpans().length, 0, "after shutdown the global tracer is a no-op again");
  });

  it("refuses a second global registration with a clear error, but allows register: false", () => {
    telemetry = setupTelemetry({ ...quiet, serviceName: "first", env: {} });
    assert.throws(() => setupTelemetry({ ...quiet, serviceName: "second", env: {} }), /already registered[\s\S]*register: false/);
    const second = setupTelemetry({ ...quiet, serviceName: "second", register: false, env: {} });
    assert.equal(second.resource.attributes["service.name"], "second");
    return second.shutdown();
  });

  it("uses the sampler from OTEL_TRACES_SAMPLER over the code's", () => {
    const exporter = new InMemorySpanExporter();
    telemetry = setupTelemetry({
      ...quiet,
      serviceName: "agent",
      sampler: new AlwaysOffSampler(),
      spanExporters: [exporter],
      env: { OTEL_TRACES_SAMPLER: "always_on" },
    });
    trace.getTracer("t").startSpan("kept").end();
    assert.equal(exporter.getFinishedSpans().length, 1);
  });

  it("stops on a bad environment value before building anything", () => {
    assert.throws(() => setupTelemetry({ serviceName: "x", env: { OTEL_TRACES_EXPORTER: "jagger" } }), ConfigError);
    // nothing was registered, so a fresh setup works
    telemetry = setupTelemetry({ ...quiet, serviceName: "x", env: {} });
  });

  it("warns at shutdown about spans that were started and never ended", async () => {
    const warnings: string[] = [];
    telemetry = setupTelemetry({ serviceName: "x", exporters: ["none"], warn: (line) => warnings.push(line), env: {} });
    trace.getTracer("t").startSpan("db.query");
    trace.getTracer("t").startSpan("finished").end();
    await telemetry.shutdown();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /never ended/);
    assert.match(warnings[0]!, /db\.query/);
    assert.doesNotMatch(warnings[0]!, /"finished"/);
  });
});

describe("shutdown is bounded when a backend never answers", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it("resolves after shutdownTimeoutMs and says why", async () => {
    // Accepts the request and never answers: the worst case for an exporter.
    server = createServer(() => {});
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const warnings: string[] = [];
    telemetry = setupTelemetry({
      serviceName: "x",
      shutdownTimeoutMs: 300,
      warn: (line) => warnings.push(line),
      env: { OTEL_TRACES_EXPORTER: "zipkin", OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${port}/api/v2/spans` },
    });
    trace.getTracer("t").startSpan("stuck").end();
    await telemetry.shutdown();
    assert.ok(warnings.some((line) => /gave up after 300 ms/.test(line)), `expected a timeout warning, got: ${warnings.join(" | ")}`);
  });
});
