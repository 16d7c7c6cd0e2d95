/**
 * The misuse watch listens for the SDK's own diag lines. If a new SDK version
 * rewords them, the watch would go quiet and every lesson check built on it
 * would pass a span that is ended twice: these tests fail first.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { useSpanMisuseWatch } from "./span-misuse.ts";

function tracerWithSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer("misuse-test"), exporter };
}

describe("span misuse watch", () => {
  const watch = useSpanMisuseWatch();

  it("reports a span ended twice, by name", () => {
    const { tracer, exporter } = tracerWithSpans();
    const span = tracer.startSpan("twice");
    span.end();
    span.end();
    assert.deepEqual(watch.misuses().map((m) => [m.kind, m.name]), [["ended-twice", "twice"]], "🚨 the SDK's second-end() diag line was not recognised: did its wording change?");
    assert.throws(() => watch.assertNone(exporter.getFinishedSpans()), /🚨 span "twice" was ended twice/, "🚨 assertNone should fail on a span ended twice");
  });

  it("reports an attribute set after end, with the span's name looked up", () => {
    const { tracer, exporter } = tracerWithSpans();
    const span = tracer.startSpan("late");
    span.end();
    span.setAttribute("app.too.late", true);
    assert.deepEqual(watch.misuses().map((m) => m.kind), ["used-after-end"], "🚨 the SDK's used-after-end diag line was not recognised: did its wording change?");
    assert.throws(() => watch.assertNone(exporter.getFinishedSpans()), /🚨 something was set on span "late" after it ended/, "🚨 assertNone should fail on a span used after end");
  });

  it("stays quiet for a span used correctly", () => {
    const { tracer, exporter } = tracerWithSpans();
    const span = tracer.startSpan("fine");
    span.setAttribute("app.on.time", true);
    span.end();
    assert.deepEqual(watch.misuses(), [], "🚨 a correctly used span was reported as misused");
    watch.assertNone(exporter.getFinishedSpans());
  });
});
