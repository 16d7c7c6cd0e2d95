import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { setupTelemetry } from "../telemetry/index.ts";
import { METRICS_FILE_ENV, TRACE_FILE_ENV, readMetricRecords, readSpanRecords } from "./dump.ts";
import { TraceTreeExporter } from "./exporter.ts";

const dir = mkdtempSync(join(tmpdir(), "trace-dump-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("TraceTreeExporter dumpFile", () => {
  it("appends every span it receives, with parent, kind, status, events and links", async () => {
    const file = join(dir, "spans.jsonl");
    const view = new TraceTreeExporter({ write: () => {}, dumpFile: file });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": "dump-test" }),
      spanProcessors: [new SimpleSpanProcessor(view)],
    });
    const tracer = provider.getTracer("dump-test-scope");
    const root = tracer.startSpan("root", { kind: SpanKind.SERVER });
    const child = tracer.startSpan(
      "child",
      { attributes: { "llm.model": "gpt-4" }, links: [{ context: root.spanContext(), attributes: { why: "test" } }] },
      trace.setSpan(context.active(), root),
    );
    child.addEvent("retrying", { attempt: 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: "timeout" });
    child.end();
    root.end();
    await provider.shutdown();

    const records = readSpanRecords(file);
    assert.deepEqual(records.map((r) => r.name), ["child", "root"], "🚨 spans are dumped in the order they end");
    const [c, r] = records as [(typeof records)[0], (typeof records)[0]];
    assert.equal(c.parentSpanId, r.spanId);
    assert.equal(r.parentSpanId, undefined);
    assert.equal(r.kind, "SERVER");
    assert.equal(c.kind, "INTERNAL");
    assert.equal(c.service, "dump-test");
    assert.equal(c.scope, "dump-test-scope");
    assert.deepEqual(c.status, { code: "ERROR", message: "timeout" });
    assert.equal(c.attributes["llm.model"], "gpt-4");
    assert.equal(c.events[0]?.name, "retrying");
    assert.deepEqual(c.events[0]?.attributes, { attempt: 2 });
    assert.equal(c.links[0]?.spanId, r.spanId);
    assert.ok(r.startMs <= c.startMs && c.durationMs >= 0, "times are epoch milliseconds");
  });
});

describe(`setupTelemetry with ${TRACE_FILE_ENV}`, () => {
  it("dumps every span even with no exporter, and each span once when the tree view dumps it too", async () => {
    for (const [exporters, file] of [[["none"], join(dir, "none.jsonl")], [["tree"], join(dir, "tree.jsonl")]] as const) {
      const telemetry = setupTelemetry({
        serviceName: "trace-dump",
        exporters: [...exporters],
        register: false,
        // The tree view reads the variable from process.env; give it its own file and a silent writer.
        treeView: new TraceTreeExporter({ write: () => {}, dumpFile: file }),
        env: { [TRACE_FILE_ENV]: file },
      });
      const tracer = telemetry.tracer("t");
      tracer.startActiveSpan("outer", (outer) => {
        tracer.startSpan("inner").end();
        outer.end();
      });
      await telemetry.shutdown();
      assert.deepEqual(readSpanRecords(file).map((span) => span.name).sort(), ["inner", "outer"], `🚨 exporters ${exporters}: each span once`);
    }
  });
});

describe(`setupTelemetry with ${METRICS_FILE_ENV}`, () => {
  it("writes the final histogram buckets at shutdown", async () => {
    const file = join(dir, "metrics.jsonl");
    const telemetry = setupTelemetry({
      serviceName: "metrics-dump",
      exporters: ["none"],
      register: false,
      env: { [METRICS_FILE_ENV]: file },
    });
    const histogram = telemetry.meterProvider.getMeter("m").createHistogram("agent.response.time", { unit: "s" });
    for (const value of [0.004, 0.02, 0.02, 3]) histogram.record(value, { "gen_ai.agent.name": "a" });
    await telemetry.shutdown();

    const [record] = readMetricRecords(file);
    assert.ok(record, `🚨 nothing written to ${METRICS_FILE_ENV}`);
    assert.equal(record.name, "agent.response.time");
    assert.equal(record.type, "HISTOGRAM");
    assert.equal(record.service, "metrics-dump");
    const point = record.points[0]!;
    assert.ok("histogram" in point);
    assert.equal(point.histogram.count, 4);
    assert.equal(point.histogram.counts.reduce((a, b) => a + b, 0), 4);
    assert.equal(point.histogram.counts.length, point.histogram.boundaries.length + 1);
  });
});
