/**
 * Lesson 01 tests. `npm run verify -- 01` runs them against your
 * lessons/01-setup.ts; one describe per task in lessons/01-setup.md.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { context, propagation, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { assertChildOf, findSpan, loadLesson, RecordingExporter, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./01-setup.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);
const service = { serviceName: "checkout-agent", serviceVersion: "2.3.4", environment: "staging" };

describe("Task 1: build the resource", () => {
  it("names the service with the semantic-convention keys", () => {
    const { attributes } = lesson.buildResource(service);
    assert.equal(
      attributes["service.name"],
      "checkout-agent",
      String(attributes["service.name"]).startsWith("unknown_service")
        ? "🚨 service.name is the SDK's placeholder: the merge runs the wrong way round. In a.merge(b), b wins on conflicts, so your attributes go in the argument."
        : "🚨 service.name should come from serviceName (ATTR_SERVICE_NAME)",
    );
    assert.equal(attributes["service.version"], "2.3.4", "🚨 service.version should come from serviceVersion (ATTR_SERVICE_VERSION)");
    assert.equal(
      attributes["deployment.environment.name"],
      "staging",
      "🚨 deployment.environment.name should come from environment (ATTR_DEPLOYMENT_ENVIRONMENT_NAME; deployment.environment without .name is the deprecated older key)",
    );
    assert.equal(attributes["service.namespace"], "ai-agents", '🚨 service.namespace should be "ai-agents"');
  });

  it("keeps the SDK's default attributes (telemetry.sdk.*)", () => {
    const { attributes } = lesson.buildResource(service);
    assert.equal(
      attributes["telemetry.sdk.language"],
      "nodejs",
      "🚨 telemetry.sdk.language is missing: a resource built from your attributes alone has none of the SDK's own. Merge yours with the SDK's defaults (defaultResource(), Resource.merge).",
    );
    assert.equal(attributes["telemetry.sdk.name"], "opentelemetry", "🚨 telemetry.sdk.name is missing: merge your attributes with defaultResource()");
  });
});

describe("Task 2: create the tracer provider", () => {
  it("exports finished spans through the exporter it was given", async () => {
    const exporter = new RecordingExporter();
    const resource = resourceFromAttributes({ "service.name": "task-2" });
    const provider = lesson.createTracerProvider(resource, exporter);
    provider.getTracer("test").startSpan("work").end();
    await provider.forceFlush();
    assert.equal(
      exporter.spans.length,
      1,
      "🚨 the span never reached the exporter: the provider has no span processor. A processor sits between provider and exporter; the constructor takes them in its spanProcessors option.",
    );
    assert.equal(exporter.spans[0]!.resource.attributes["service.name"], "task-2", "🚨 the exported span does not carry the resource it was given: pass `resource` to the provider's constructor");
    await provider.shutdown();
  });

  it("batches: export happens in the background, not inside span.end()", async () => {
    const exporter = new RecordingExporter();
    const provider = lesson.createTracerProvider(resourceFromAttributes({}), exporter);
    provider.getTracer("test").startSpan("work").end();
    assert.equal(
      exporter.exportCalls,
      0,
      "🚨 the span was exported synchronously in end(): that is a SimpleSpanProcessor. A batch processor exports in the background, so traced code never waits on the exporter.",
    );
    await provider.shutdown();
    assert.equal(exporter.spans.length, 1, "🚨 the provider's shutdown() did not deliver the queued span: is the exporter behind a span processor of this provider?");
  });
});

describe("Task 3: register the globals", () => {
  afterEach(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });

  function freshProvider() {
    const exporter = new InMemorySpanExporter();
    return { exporter, provider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }) };
  }

  it("makes trace.getTracer() record spans with your provider", () => {
    const { exporter, provider } = freshProvider();
    lesson.registerGlobals(provider);
    trace.getTracer("library").startSpan("from-a-library").end();
    assert.equal(
      exporter.getFinishedSpans().length,
      1,
      "🚨 a tracer from trace.getTracer() recorded nothing: the API does not know your provider. Register it as the global tracer provider (trace.setGlobalTracerProvider).",
    );
  });

  it("makes a span active, across await too (context manager)", async () => {
    const { exporter, provider } = freshProvider();
    lesson.registerGlobals(provider);
    const tracer = trace.getTracer("test");
    await tracer.startActiveSpan("parent", async (parent) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      tracer.startSpan("child").end();
      parent.end();
    });
    const spans = exporter.getFinishedSpans();
    if (spans.length === 0) assert.fail("🚨 no spans recorded: register the tracer provider first");
    assert.ok(
      findSpan(spans, "child").parentSpanContext,
      "🚨 the child span started a new trace: its parent was not active. Without a context manager (the API's default is a no-op) nothing is ever active, not even synchronously.\n" +
        "   Register one as the global context manager (context.setGlobalContextManager); AsyncLocalStorageContextManager also keeps it across await, once enabled.",
    );
    assertChildOf(spans, findSpan(spans, "child"), findSpan(spans, "parent"));
  });

  it("injects W3C traceparent and baggage headers (propagator)", () => {
    const { provider } = freshProvider();
    lesson.registerGlobals(provider);
    const span = trace.getTracer("test").startSpan("outgoing");
    const baggage = propagation.createBaggage({ "user.tier": { value: "gold" } });
    const ctx = propagation.setBaggage(trace.setSpan(context.active(), span), baggage);
    const headers: Record<string, string> = {};
    propagation.inject(ctx, headers);
    span.end();
    assert.match(
      headers.traceparent ?? "",
      new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-01$`),
      "🚨 no traceparent header was injected: inject() uses the global propagator, and none is registered (propagation.setGlobalPropagator, W3CTraceContextPropagator).",
    );
    assert.equal(headers.baggage, "user.tier=gold", "🚨 no baggage header: the propagator speaks trace context only. W3CBaggagePropagator writes baggage; a CompositePropagator combines several.");
  });
});

describe("Task 4: your first span", () => {
  const telemetry = useTestTelemetry();
  // A second end() changes nothing you can see (the SDK only logs it): the test
  // kit's useTestTelemetry() catches it and fails the test with a 🚨 line.

  it('records an ended span "greet_user" with the user id', async () => {
    const greeting = await lesson.greetUser("user_42");
    assert.equal(greeting, "Hello, user_42!", "🚨 greetUser should still return the greeting");
    const span = findSpan(telemetry.spans(), "greet_user");
    assert.equal(span.attributes["user.id"], "user_42", '🚨 the "greet_user" span has no "user.id" attribute with the user id (span.setAttribute)');
  });

  it("starts greet_user as a child of whatever span is active when it is called", async () => {
    const tracer = telemetry.tracer();
    await tracer.startActiveSpan("request", async (request) => {
      await lesson.greetUser("user_7");
      request.end();
    });
    const spans = telemetry.spans();
    assertChildOf(spans, findSpan(spans, "greet_user"), findSpan(spans, "request"));
  });
});

describe("Task 5: flush on shutdown", () => {
  it("delivers spans still in the batch queue", async () => {
    const exporter = new RecordingExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    provider.getTracer("test").startSpan("last-words").end();
    await lesson.shutdownTelemetry(provider);
    assert.equal(
      exporter.spans.length,
      1,
      "🚨 the queued span was never exported: it is still waiting in the BatchSpanProcessor. Shutting the provider down flushes every processor; await it.",
    );
    assert.ok(exporter.shutdownCalled, "🚨 the exporter was not shut down: forceFlush() delivers the queue but leaves everything running. Shut the provider down.");
  });
});
