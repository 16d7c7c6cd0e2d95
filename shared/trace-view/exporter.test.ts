import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { context, defaultTextMapGetter, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from "@opentelemetry/core";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { colorEnabled } from "./render.ts";
import { TraceTreeExporter } from "./exporter.ts";
import { treeDetailFromEnv } from "./tree-detail.ts";
import { ANSI, at, capture, serviceProvider, under } from "./fixtures.ts";

describe("TraceTreeExporter: when a trace prints", () => {
  it("waits for the local root, then prints the whole trace as one tree", async () => {
    const out = capture();
    const exporter = new TraceTreeExporter({ write: out.write });
    const { tracer, provider } = serviceProvider("gateway", exporter);
    const root = tracer.startSpan("agent.run");
    tracer.startSpan("plan", {}, under(root)).end();
    tracer.startSpan("act", {}, under(root)).end();
    assert.equal(out.text(), "", "children end first; printing them now would scatter the trace");

    root.end();
    assert.equal(out.chunks.length, 1);
    assert.match(out.text(), /^trace \w{8}…  3 spans .*\n  agent\.run \[gateway\].*\n  ├─ plan .*\n  └─ act .*\n\n$/);
    await provider.shutdown();
    assert.equal(out.chunks.length, 1, "nothing left over to print at shutdown");
    assert.equal(exporter.spanCount(), 3);
  });

  it("always reports SUCCESS, even when writing fails: printing cannot fail the app", async () => {
    const memory = new InMemorySpanExporter();
    serviceProvider("gateway", memory).tracer.startSpan("x").end();
    const broken = new TraceTreeExporter({
      write: () => {
        throw new Error("stdout closed");
      },
    });
    const original = console.error;
    console.error = () => {}; // the exporter reports the failure there; keep the test output clean
    try {
      const result = await new Promise<ExportResult>((resolve) => broken.export(memory.getFinishedSpans(), resolve));
      assert.equal(result.code, ExportResultCode.SUCCESS);
    } finally {
      console.error = original;
    }
  });
});

describe("TraceTreeExporter: one instance shared by two services", () => {
  it("prints a trace crossing services as one tree, the server nested under its client", async () => {
    const out = capture();
    const view = new TraceTreeExporter({ write: out.write });
    const gateway = serviceProvider("gateway", view);
    const llm = serviceProvider("llm-service", view);

    const root = gateway.tracer.startSpan("POST /chat", { kind: SpanKind.SERVER, startTime: at(0) });
    const call = gateway.tracer.startSpan("llm.call", { kind: SpanKind.CLIENT, startTime: at(1) }, under(root));
    // What a propagator does on the wire: the server only gets the caller's span context, marked remote.
    const remoteParent = trace.wrapSpanContext({ ...call.spanContext(), isRemote: true });
    const server = llm.tracer.startSpan("chat gpt-4", { kind: SpanKind.SERVER, startTime: at(2) }, trace.setSpan(context.active(), remoteParent));
    server.setStatus({ code: SpanStatusCode.ERROR, message: "rate limited" });
    server.end(at(8));
    assert.equal(out.text(), "", "a span with a remote parent waits: its caller may be in this process");
    call.end(at(9));
    root.end(at(10));

    assert.equal(out.chunks.length, 1, "one tree, not one per service");
    const lines = out.text().trimEnd().split("\n");
    assert.match(lines[0]!, /^trace \w{8}…  3 spans  10\.0 ms  services: gateway, llm-service$/);
    assert.match(lines[1]!, /^ {2}POST \/chat \[gateway\] SERVER +10\.0 ms {2}█{24}$/);
    assert.match(lines[2]!, /^ {2}└─ llm\.call \[gateway\] CLIENT +8\.0 ms {4}█{20}$/);
    assert.match(lines[3]!, /^ {5}└─ chat gpt-4 \[llm-service\] SERVER +6\.0 ms {7}█{14} {5} {2}✗ ERROR: rate limited$/);
    assert.doesNotMatch(out.text(), /not in this process/, "the remote parent was found after all");
    await Promise.all([gateway.provider.shutdown(), llm.provider.shutdown()]);
  });

  it("keeps working after the first provider shuts down", async () => {
    const out = capture();
    const view = new TraceTreeExporter({ write: out.write });
    const a = serviceProvider("a", view);
    const b = serviceProvider("b", view);
    await a.provider.shutdown();
    b.tracer.startSpan("still.here").end();
    assert.match(out.text(), /still\.here \[b\]/);
    await b.provider.shutdown();
  });
});

describe("TraceTreeExporter: traces left over at flush and shutdown", () => {
  it("prints a server trace whose client is in another process, with a note", async () => {
    const out = capture();
    const { tracer, provider } = serviceProvider("llm-service", new TraceTreeExporter({ write: out.write }));
    // Extract a real traceparent header, as an HTTP server would.
    const incoming = new W3CTraceContextPropagator().extract(
      context.active(),
      { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
      defaultTextMapGetter,
    );
    tracer.startSpan("chat", { kind: SpanKind.SERVER }, incoming).end();
    assert.equal(out.text(), "");

    await provider.shutdown();
    assert.match(out.text(), /^trace 4bf92f35…  1 span .*\n  chat \[llm-service\] SERVER .*\n {5}↳ parent 00f067aa0ba902b7 not in this process\/trace\n/);
  });

  it("prints children whose parent never ended at forceFlush, warning about the missing parent", async () => {
    const out = capture();
    const { tracer, provider } = serviceProvider("gateway", new TraceTreeExporter({ write: out.write }));
    const parent = tracer.startSpan("agent.run"); // the bug: no parent.end()
    tracer.startSpan("llm.call", {}, under(parent)).end();
    assert.equal(out.text(), "");

    await provider.forceFlush();
    assert.match(out.text(), new RegExp(`llm\\.call \\[gateway\\].*\\n +⚠ parent ${parent.spanContext().spanId} never arrived`));
    await provider.shutdown();
  });

  it("prints a child that outlives its printed parent straight away, saying so", () => {
    const out = capture();
    const exporter = new TraceTreeExporter({ write: out.write });
    const { tracer } = serviceProvider("gateway", exporter);
    const root = tracer.startSpan("handle");
    const background = tracer.startSpan("send-email", {}, under(root)); // fire-and-forget
    root.end();
    background.end();

    assert.equal(out.chunks.length, 2);
    assert.match(out.chunks[1]!, new RegExp(`send-email .*\\n +↳ parent ${root.spanContext().spanId} was printed earlier`));
    assert.deepEqual(exporter.printedTraceIds(), [root.spanContext().traceId]);
  });

  it("writes no ANSI escapes when colour is off", () => {
    const out = capture();
    const { tracer } = serviceProvider("gateway", new TraceTreeExporter({ write: out.write, color: false }));
    const span = tracer.startSpan("x");
    span.setStatus({ code: SpanStatusCode.ERROR, message: "bad" });
    span.recordException(new Error("bad"));
    span.end();
    assert.match(out.text(), /✗ ERROR: bad/);
    assert.doesNotMatch(out.text(), ANSI);
  });
});

describe("demo", () => {
  it("prints a sample trace (look at the test output)", async () => {
    const view = new TraceTreeExporter({ write: (text) => void process.stdout.write(`\n${text}`), color: colorEnabled(process.stdout) });
    const gateway = serviceProvider("gateway", view);
    const llm = serviceProvider("llm-service", view);

    const root = gateway.tracer.startSpan("agent.run planner", { kind: SpanKind.SERVER, startTime: at(0) });
    root.setAttributes({ "gen_ai.agent.name": "planner", "user.id": "user_123" });
    const memory = gateway.tracer.startSpan("memory.lookup", { startTime: at(0.4) }, under(root));
    memory.addEvent("cache.miss", { key: "user_123:history" });
    memory.end(at(1.6));
    const call = gateway.tracer.startSpan("chat gpt-4", { kind: SpanKind.CLIENT, startTime: at(1.8) }, under(root));
    call.setAttributes({ "gen_ai.request.model": "gpt-4", "server.address": "llm-service" });
    const server = llm.tracer.startSpan("POST /v1/chat", { kind: SpanKind.SERVER, startTime: at(2.1) },
      trace.setSpan(context.active(), trace.wrapSpanContext({ ...call.spanContext(), isRemote: true })));
    server.setAttribute("gen_ai.usage.output_tokens", 42);
    server.setStatus({ code: SpanStatusCode.OK });
    server.end(at(9.7));
    call.end(at(10.0));
    const tool = gateway.tracer.startSpan("tool.weather", { startTime: at(10.2) }, under(root));
    tool.recordException(Object.assign(new Error("upstream timed out after 2000 ms"), { name: "TimeoutError" }));
    tool.setStatus({ code: SpanStatusCode.ERROR, message: "upstream timed out" });
    tool.end(at(12.3));
    root.end(at(12.3));

    await Promise.all([gateway.provider.shutdown(), llm.provider.shutdown()]);
    assert.deepEqual(view.printedTraceIds(), [root.spanContext().traceId]);
  });
});

describe("TraceTreeExporter: compact by default, attributes one variable away", () => {
  function run(exporter: TraceTreeExporter) {
    const { tracer } = serviceProvider("gateway", exporter);
    for (const name of ["first", "second"]) {
      const span = tracer.startSpan(name, { attributes: { "gen_ai.request.model": "gpt-4" } });
      span.addEvent("retry");
      span.end();
    }
  }

  it("hides attributes (events stay), and says once how to see them", () => {
    const out = capture();
    run(new TraceTreeExporter({ write: out.write }));
    assert.doesNotMatch(out.text(), /gen_ai\.request\.model/);
    assert.equal(out.text().match(/• retry/g)?.length, 2, out.text());
    assert.equal(out.text().split("WORKBOOK_TREE=full").length - 1, 1, out.text());
    assert.match(out.chunks[0]!, /\n\(span attributes hidden: WORKBOOK_TREE=full shows them\)\n\n$/);
  });

  it("shows them with detail: full, without the hint", () => {
    const out = capture();
    run(new TraceTreeExporter({ write: out.write, detail: "full" }));
    assert.equal(out.text().match(/gen_ai\.request\.model: gpt-4/g)?.length, 2);
    assert.doesNotMatch(out.text(), /WORKBOOK_TREE/);
  });

  it("prints no hint when nothing was hidden", () => {
    const out = capture();
    serviceProvider("gateway", new TraceTreeExporter({ write: out.write })).tracer.startSpan("bare").end();
    assert.doesNotMatch(out.text(), /hidden/);
  });
});

describe("treeDetailFromEnv (WORKBOOK_TREE)", () => {
  it("reads compact (unset or empty) and full, in any case", () => {
    assert.equal(treeDetailFromEnv({}), "compact");
    assert.equal(treeDetailFromEnv({ WORKBOOK_TREE: "" }), "compact");
    assert.equal(treeDetailFromEnv({ WORKBOOK_TREE: "compact" }), "compact");
    assert.equal(treeDetailFromEnv({ WORKBOOK_TREE: " FULL " }), "full");
  });

  it("stops on anything else, naming the variable and the values, with the input bounded and printable", () => {
    assert.throws(() => treeDetailFromEnv({ WORKBOOK_TREE: "verbose" }), /🚨 WORKBOOK_TREE: "verbose" is not a tree view\.\n   Use WORKBOOK_TREE=full/);
    assert.throws(
      () => treeDetailFromEnv({ WORKBOOK_TREE: `\x1b[31m${"x".repeat(500)}` }),
      (error: Error) => !error.message.includes("\x1b") && error.message.length < 250,
    );
  });
});
