/**
 * A tracer or logger taken at module level, before any test set up telemetry,
 * records into whichever test is running: not only into the first one.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { trace, type Tracer } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { useTestTelemetry } from "./fixture.ts";

// As the OpenTelemetry examples write it: once, when the module loads.
const moduleTracer = trace.getTracer("module-level");
const moduleLogger = logs.getLogger("module-level");

describe("module-level tracers and loggers in useTestTelemetry()", () => {
  const telemetry = useTestTelemetry({ logs: true });
  let takenInFirstTest: Tracer | undefined;

  for (const round of ["first", "second", "third"]) {
    it(`records the ${round} test's span and log record in that test's exporters`, () => {
      takenInFirstTest ??= trace.getTracer("taken-inside-a-test");
      moduleTracer.startSpan(`module ${round}`).end();
      takenInFirstTest.startSpan(`inner ${round}`).end();
      moduleLogger.emit({ body: `log ${round}` });
      assert.deepEqual(
        telemetry.spans().map((span) => span.name),
        [`module ${round}`, `inner ${round}`],
        `🚨 in the ${round} test a module-level tracer recorded into another test's provider`,
      );
      assert.deepEqual(
        telemetry.logRecords().map((record) => record.body),
        [`log ${round}`],
        `🚨 in the ${round} test a module-level logger recorded into another test's provider`,
      );
      assert.equal(telemetry.spans()[0]!.instrumentationScope.name, "module-level", "🚨 the tracer's name must reach the span's scope");
      assert.equal(telemetry.logRecords()[0]!.instrumentationScope.name, "module-level", "🚨 the logger's name must reach the record's scope");
    });
  }

  it("keeps startActiveSpan working through the forwarding tracer (context and return value)", () => {
    const result = moduleTracer.startActiveSpan("parent", (parent) => {
      moduleTracer.startActiveSpan("child", { attributes: { "app.step": 1 } }, (child) => child.end());
      parent.end();
      return 42;
    });
    assert.equal(result, 42);
    const [child, parent] = telemetry.spans();
    assert.equal(child?.parentSpanContext?.spanId, parent?.spanContext().spanId, "🚨 the child lost its parent through the forwarding tracer");
    assert.equal(child?.attributes["app.step"], 1);
  });
});

describe("between tests", () => {
  it("a module-level tracer gives non-recording spans when no test telemetry is set up", () => {
    const span = moduleTracer.startSpan("outside");
    assert.equal(span.isRecording(), false, "🚨 a span outside useTestTelemetry() should go nowhere");
    span.end();
  });
});

// Last in the file: registering a provider outside the fixture, as this does, binds any
// proxy that has not yet started a span to that provider for good.
describe("why: the API's proxy tracer binds to the first provider it sees", () => {
  it("keeps sending spans to a provider that was replaced (api 1.9.1 ProxyTracer)", async () => {
    const first = new InMemorySpanExporter();
    const second = new InMemorySpanExporter();
    const proxy = trace.getTracer("bound-early"); // before any provider: a ProxyTracer
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(first)] }));
    proxy.startSpan("one").end();
    trace.disable();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(second)] }));
    proxy.startSpan("two").end();
    trace.disable();
    // If this ever fails, the API stopped caching its delegate and current-provider.ts may be unnecessary.
    assert.deepEqual(first.getFinishedSpans().map((span) => span.name), ["one", "two"]);
    assert.equal(second.getFinishedSpans().length, 0);
  });
});
