import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { OpenSpanTracker, describeOpenSpans } from "./open-spans.ts";
import { TraceTreeExporter } from "./exporter.ts";
import { capture, serviceProvider, under } from "./fixtures.ts";

describe("OpenSpanTracker", () => {
  it("remembers spans between start and end, and forgets them on end", async () => {
    const tracker = new OpenSpanTracker();
    const { tracer, provider } = serviceProvider("gateway", new TraceTreeExporter({ write: () => {} }), tracker);
    const a = tracer.startSpan("db.query");
    const b = tracer.startSpan("llm.call");
    assert.deepEqual(tracker.openSpans().map((span) => span.name), ["db.query", "llm.call"]);

    a.end();
    assert.deepEqual(tracker.openSpans().map((span) => span.name), ["llm.call"]);
    b.end();
    assert.deepEqual(tracker.openSpans(), []);
    await provider.shutdown();
  });
});

describe("describeOpenSpans", () => {
  it("is undefined when every span ended", () => {
    assert.equal(describeOpenSpans([]), undefined);
  });

  it("names each never-ended span with its trace and says how to fix it", async () => {
    const tracker = new OpenSpanTracker();
    const { tracer, provider } = serviceProvider("gateway", new TraceTreeExporter({ write: () => {} }), tracker);
    const query = tracer.startSpan("db.query");
    const call = tracer.startSpan("llm.call");
    tracer.startSpan("ended.fine").end();

    const short = (span: typeof query) => `${span.spanContext().traceId.slice(0, 8)}…`;
    assert.equal(
      describeOpenSpans(tracker.openSpans()),
      `⚠ 2 spans were started but never ended, so no exporter ever saw them: ` +
        `"db.query" (trace ${short(query)}), "llm.call" (trace ${short(call)}). ` +
        `Call span.end() on every path, e.g. in a finally block.`,
    );
    await provider.shutdown();
  });

  it("speaks in the singular for one span, and lists at most five", async () => {
    const tracker = new OpenSpanTracker();
    const { tracer, provider } = serviceProvider("gateway", new TraceTreeExporter({ write: () => {} }), tracker);
    tracer.startSpan("only");
    assert.match(describeOpenSpans(tracker.openSpans())!, /^⚠ 1 span was started but never ended, so no exporter ever saw it: "only"/);
    for (let i = 1; i <= 6; i++) tracer.startSpan(`extra.${i}`);
    assert.match(describeOpenSpans(tracker.openSpans())!, /"extra\.4" \(trace \w{8}…\), and 2 more\. Call span\.end\(\)/);
    await provider.shutdown();
  });

  it("together with the tree view: the orphan is printed, and the warning names its parent", async () => {
    const out = capture();
    const tracker = new OpenSpanTracker();
    const { tracer, provider } = serviceProvider("gateway", new TraceTreeExporter({ write: out.write }), tracker);
    const parent = tracer.startSpan("agent.run"); // forgotten: no end()
    tracer.startSpan("llm.call", {}, under(parent)).end();

    const warning = describeOpenSpans(tracker.openSpans()); // read before shutdown, as the kit does
    await provider.shutdown();
    assert.match(out.text(), /llm\.call \[gateway\][^\n]*\n +⚠ parent \w{16} never arrived/);
    assert.match(warning!, /^⚠ 1 span was started but never ended.*"agent\.run"/);
  });
});
