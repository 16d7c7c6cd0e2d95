import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SpanStatusCode, context, trace, type Span } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { toSpanRecord, type SpanRecord } from "../../shared/trace-view/dump.ts";
import { histogramSvg } from "../generator/histogram.ts";
import { groupTraces, renderWaterfall, serviceSlots, waterfallRows } from "../generator/waterfall.ts";

/** Real spans from the real SDK, with explicit times so the layout is exact. */
function recordTrace(): SpanRecord[] {
  const exporter = new InMemorySpanExporter();
  const provider = (service: string) =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ "service.name": service }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const gateway = provider("gateway").getTracer("t");
  const llm = provider("llm-service").getTracer("t");
  const t0 = 1_700_000_000_000;
  const under = (parent: Span) => trace.setSpan(context.active(), parent);

  const root = gateway.startSpan("handle_request", { startTime: t0 });
  const late = gateway.startSpan("db.query", { startTime: t0 + 60 }, under(root));
  const early = llm.startSpan("chat gpt-4", { startTime: t0 + 10 }, under(root));
  const inner = llm.startSpan("tokenize", { startTime: t0 + 12 }, under(early));
  inner.end(t0 + 15);
  early.addEvent("retry", { attempt: 2 }, t0 + 30);
  early.end(t0 + 50);
  late.setStatus({ code: SpanStatusCode.ERROR, message: "timeout" });
  late.end(t0 + 90);
  root.end(t0 + 100);
  return exporter.getFinishedSpans().map(toSpanRecord);
}

/** What the SVG says about each row, read back from its data attributes. */
function rowsOf(svg: string) {
  return [...svg.matchAll(/<g class="wf-row svc-(\d)( wf-error)?" data-span-id="(\w+)"(?: data-parent-id="\w+")? data-depth="(\d+)" data-name="([^"]*)">/g)].map(
    ([, slot, error, id, depth, name]) => ({ slot: Number(slot), error: Boolean(error), id, depth: Number(depth), name }),
  );
}

describe("waterfall", () => {
  it("draws one row per span, parents before children, siblings by start time", () => {
    const spans = recordTrace();
    const svg = renderWaterfall(spans, serviceSlots(spans));
    const rows = rowsOf(svg);
    assert.deepEqual(
      rows.map((row) => `${"  ".repeat(row.depth)}${row.name}`),
      ["handle_request", "  chat gpt-4", "    tokenize", "  db.query"],
      "🚨 rows must follow the span tree: depth-first, children sorted by start",
    );
    assert.deepEqual(new Set(rows.map((row) => row.id)), new Set(spans.map((span) => span.spanId)));
  });

  it("colours by service and marks failed spans", () => {
    const spans = recordTrace();
    const rows = rowsOf(renderWaterfall(spans, serviceSlots(spans)));
    const byName = new Map(rows.map((row) => [row.name, row]));
    assert.equal(byName.get("handle_request")!.slot, byName.get("db.query")!.slot, "same service, same colour");
    assert.notEqual(byName.get("handle_request")!.slot, byName.get("chat gpt-4")!.slot, "another service, another colour");
    assert.deepEqual(rows.filter((row) => row.error).map((row) => row.name), ["db.query"]);
  });

  it("puts bars on one time axis: a span's bar starts where its start time is", () => {
    const spans = recordTrace();
    const svg = renderWaterfall(spans, serviceSlots(spans));
    const bars = [...svg.matchAll(/<rect class="wf-bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map(([, x, w]) => [Number(x), Number(w)] as const);
    const [rootBar, chatBar, , dbBar] = bars as [readonly [number, number], readonly [number, number], unknown, readonly [number, number]];
    // chat starts at 10% and lasts 40% of the trace; db.query starts at 60% and lasts 30%.
    const scale = rootBar[1];
    assert.ok(Math.abs(chatBar[0] - rootBar[0] - 0.1 * scale) < 0.2);
    assert.ok(Math.abs(chatBar[1] - 0.4 * scale) < 0.2);
    assert.ok(Math.abs(dbBar[0] - rootBar[0] - 0.6 * scale) < 0.2);
    assert.match(svg, /<title>retry at \+30\.0 ms \{attempt: 2\}<\/title>/, "events are drawn at their time, with their attributes on hover");
    assert.match(svg, /<title>db\.query {2}\(gateway, INTERNAL, 30\.0 ms\)\nstatus: ERROR — timeout/);
  });

  it("keeps a span whose parent is elsewhere as a root, marked ↳", () => {
    const spans = recordTrace().filter((span) => span.name !== "handle_request");
    assert.deepEqual(waterfallRows(spans).map((row) => [row.span.name, row.depth, row.missingParent]), [
      ["chat gpt-4", 0, true],
      ["tokenize", 1, false],
      ["db.query", 0, true],
    ]);
    assert.equal(groupTraces(spans).length, 1);
  });
});

describe("histogram chart", () => {
  it("draws the buckets from the first to the last non-empty one, with their counts", () => {
    const svg = histogramSvg("agent.duration", [0, 5, 10, 25, 50, 100], [0, 0, 3, 5, 0, 1, 0], " ms");
    const buckets = [...svg.matchAll(/data-count="(\d+)" data-bucket="([^"]+)"/g)].map(([, count, bucket]) => `${bucket}:${count}`);
    assert.deepEqual(buckets, ["≤ 10:3", "≤ 25:5", "≤ 50:0", "≤ 100:1"]);
  });
});
