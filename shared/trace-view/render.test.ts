import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode, trace, TraceFlags, context } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { colorEnabled, renderTraces } from "./render.ts";
import { ANSI, at, serviceProvider, under } from "./fixtures.ts";

/** A fresh service whose ended spans we can render directly. */
function recorder(serviceName = "gateway") {
  const memory = new InMemorySpanExporter();
  const { tracer } = serviceProvider(serviceName, memory);
  return { tracer, spans: () => memory.getFinishedSpans() };
}

describe("renderTraces: the tree", () => {
  it("nests children under parents, sorted by start time, with box-drawing branches", () => {
    const { tracer, spans } = recorder();
    const root = tracer.startSpan("agent.run", { startTime: at(0), kind: SpanKind.SERVER });
    const llm = tracer.startSpan("llm.call", { startTime: at(3), kind: SpanKind.CLIENT }, under(root));
    const plan = tracer.startSpan("plan", { startTime: at(1) }, under(root));
    const tokenize = tracer.startSpan("tokenize", { startTime: at(4) }, under(llm));
    tokenize.end(at(5));
    plan.end(at(2));
    llm.end(at(9));
    root.end(at(12));

    const traceId = root.spanContext().traceId;
    const lines = renderTraces(spans()).split("\n");
    assert.equal(lines[0], `trace ${traceId.slice(0, 8)}…  4 spans  12.0 ms  services: gateway`);
    // "plan" started first, so it is drawn first even though it was created second.
    assert.deepEqual(
      lines.map((line) => line.match(/^([ │├└─]*)(\S+) \[gateway\]/)?.slice(1, 3).join("")).filter(Boolean),
      ["  agent.run", "  ├─ plan", "  └─ llm.call", "     └─ tokenize"],
    );
  });

  it("draws each span's bar on the trace's shared time axis, with duration and kind", () => {
    const { tracer, spans } = recorder();
    const root = tracer.startSpan("agent.run", { startTime: at(0), kind: SpanKind.SERVER });
    const child = tracer.startSpan("plan", { startTime: at(6) }, under(root));
    child.end(at(9));
    root.end(at(12));

    const [, rootLine, childLine] = renderTraces(spans(), { width: 12 }).split("\n");
    assert.equal(rootLine, `  agent.run [gateway] SERVER  12.0 ms  ${"█".repeat(12)}`);
    // 6..9 ms of 12 ms on 12 columns: 6 blanks, then 3 blocks. INTERNAL kind is not shown.
    // Columns line up: labels padded to the widest, durations right-aligned.
    assert.equal(childLine, `${"  └─ plan [gateway]".padEnd("  agent.run [gateway] SERVER".length)}   3.0 ms  ${" ".repeat(6)}███`);
  });

  it("separates traces and orders them by start", () => {
    const { tracer, spans } = recorder();
    tracer.startSpan("second", { startTime: at(5) }).end(at(6));
    tracer.startSpan("first", { startTime: at(0) }).end(at(1));
    const output = renderTraces(spans());
    assert.equal(output.split("\n\n").length, 2, "one blank line between traces");
    assert.ok(output.indexOf("first [") < output.indexOf("second ["), output);
  });
});

describe("renderTraces: status, attributes, events", () => {
  it("marks ERROR with its message and shows a recorded exception as type: message", () => {
    const { tracer, spans } = recorder();
    const span = tracer.startSpan("db.query", { startTime: at(0) });
    span.recordException(new TypeError("connection refused"));
    span.setStatus({ code: SpanStatusCode.ERROR, message: "connection refused" });
    span.end(at(2));
    const ok = tracer.startSpan("cache.get", { startTime: at(0) });
    ok.setStatus({ code: SpanStatusCode.OK });
    ok.end(at(1));

    const output = renderTraces(spans());
    assert.match(output, /db\.query \[gateway\] +2\.0 ms  █+ +✗ ERROR: connection refused$/m);
    assert.match(output, /^ +• exception TypeError: connection refused$/m);
    assert.match(output, /cache\.get \[gateway\] +1\.0 ms  █+  ✓$/m);
  });

  it("full view: lists attributes (values cut to 48 chars, at most 8 lines) and events with their attributes", () => {
    const { tracer, spans } = recorder();
    const span = tracer.startSpan("llm.call", { startTime: at(0) });
    span.setAttribute("gen_ai.prompt", "x".repeat(100));
    for (let i = 1; i <= 9; i++) span.setAttribute(`attr.${i}`, i);
    span.setAttribute("tags", ["a", "b"]);
    span.addEvent("gen_ai.choice", { index: 0, finish_reason: "stop" });
    span.addEvent("retry");
    span.end(at(1));

    const details = renderTraces(spans(), { detail: "full" }).split("\n").slice(2).map((line) => line.trim());
    assert.deepEqual(details, [
      `gen_ai.prompt: ${"x".repeat(47)}…`,
      "attr.1: 1",
      "attr.2: 2",
      "attr.3: 3",
      "attr.4: 4",
      "attr.5: 5",
      "attr.6: 6",
      "… +4 more",
      "• gen_ai.choice {index: 0, finish_reason: stop}",
      "• retry",
    ]);
  });
});

describe("renderTraces: the compact view (the default)", () => {
  /** A chat span as the GenAI instrumentation writes it, with an error and a link. */
  function chatTrace() {
    const { tracer, spans } = recorder();
    const linked = tracer.startSpan("earlier", { startTime: at(0) });
    linked.end(at(1));
    const root = tracer.startSpan("invoke_agent planner", { startTime: at(0), attributes: { "gen_ai.agent.name": "planner" } });
    const chat = tracer.startSpan(
      "chat gpt-4",
      {
        startTime: at(1),
        kind: SpanKind.CLIENT,
        links: [{ context: linked.spanContext() }],
        attributes: { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "fake", "gen_ai.request.model": "gpt-4" },
      },
      under(root),
    );
    chat.setAttributes({ "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 30, "error.type": "rate_limited" });
    chat.addEvent("retry", { attempt: 1 });
    chat.recordException(new RangeError("rate limited"));
    chat.setStatus({ code: SpanStatusCode.ERROR, message: "rate limited" });
    chat.end(at(3));
    root.end(at(4));
    return spans().filter((span) => span.name !== "earlier");
  }

  it("shows names, services, kinds, durations, status, events, errors and links, without attributes", () => {
    const lines = renderTraces(chatTrace()).split("\n");
    assert.equal(lines.length, 6, lines.join("\n"));
    assert.match(lines[1]!, /^  invoke_agent planner \[gateway\] +4\.0 ms  █+$/);
    assert.match(lines[2]!, /^  └─ chat gpt-4 \[gateway\] CLIENT +2\.0 ms  +█+ +✗ ERROR: rate limited$/);
    assert.equal(lines[3]!.trim(), "• retry {attempt: 1}");
    assert.equal(lines[4]!.trim(), "• exception RangeError: rate limited");
    assert.match(lines[5]!.trim(), /^⇢ link to trace \w{8}… span [0-9a-f]{16}$/);
    assert.doesNotMatch(lines.join("\n"), /gen_ai\.|error\.type/);
  });

  it("full view adds every attribute under the same tree", () => {
    const compact = renderTraces(chatTrace());
    const full = renderTraces(chatTrace(), { detail: "full" });
    assert.match(full, /^ +gen_ai\.request\.model: gpt-4$/m);
    assert.match(full, /^  │  gen_ai\.agent\.name: planner$/m);
    assert.equal(full.split("\n").length, compact.split("\n").length + 7, full);
  });
});

describe("renderTraces: spans whose parent is not here", () => {
  it("notes a remote parent (the caller lives in another process)", () => {
    const { tracer, spans } = recorder("llm-service");
    const remote = trace.wrapSpanContext({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    tracer.startSpan("chat", { kind: SpanKind.SERVER }, trace.setSpan(context.active(), remote)).end();

    const output = renderTraces(spans());
    assert.match(output, /^trace 4bf92f35…  1 span  /);
    assert.match(output, /^  chat \[llm-service\] SERVER .*\n {5}↳ parent 00f067aa0ba902b7 not in this process\/trace$/m);
  });

  it("warns when a local parent never arrived, and still draws its children under the orphan", () => {
    const { tracer, spans } = recorder();
    const parent = tracer.startSpan("agent.run"); // never ended
    const child = tracer.startSpan("tool.call", {}, under(parent));
    tracer.startSpan("http.get", {}, under(child)).end();
    child.end();

    const output = renderTraces(spans());
    const parentId = parent.spanContext().spanId;
    assert.match(output, new RegExp(`^  tool\\.call \\[gateway\\].*\\n  │  ⚠ parent ${parentId} never arrived \\(was it ended\\? exported\\?\\)$`, "m"));
    assert.match(output, /^  └─ http\.get \[gateway\]/m);
  });
});

describe("colour", () => {
  function errorTrace() {
    const { tracer, spans } = recorder();
    const span = tracer.startSpan("fails", { startTime: at(0) });
    span.setAttribute("k", "v");
    span.setStatus({ code: SpanStatusCode.ERROR, message: "nope" });
    span.end(at(1));
    return spans();
  }

  it("has no ANSI escapes at all without colour (the default)", () => {
    assert.doesNotMatch(renderTraces(errorTrace()), ANSI);
    assert.doesNotMatch(renderTraces(errorTrace(), { color: false }), ANSI);
  });

  it("paints ERROR red when coloured", () => {
    assert.ok(renderTraces(errorTrace(), { color: true }).includes("\x1b[31m✗ ERROR: nope\x1b[0m"));
  });

  it("colorEnabled honours NO_COLOR, then FORCE_COLOR, then isTTY", () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    assert.equal(colorEnabled(tty, {}), true);
    assert.equal(colorEnabled(pipe, {}), false);
    assert.equal(colorEnabled(tty, { NO_COLOR: "1" }), false);
    assert.equal(colorEnabled(tty, { NO_COLOR: "" }), true, "an empty NO_COLOR does not count");
    assert.equal(colorEnabled(pipe, { FORCE_COLOR: "1" }), true);
    assert.equal(colorEnabled(pipe, { FORCE_COLOR: "" }), false);
    assert.equal(colorEnabled(tty, { FORCE_COLOR: "0" }), false);
    assert.equal(colorEnabled(pipe, { FORCE_COLOR: "1", NO_COLOR: "1" }), false, "NO_COLOR wins");
  });

  it("colorEnabled reads process.env by default", () => {
    const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
    try {
      delete process.env.NO_COLOR;
      process.env.FORCE_COLOR = "1";
      assert.equal(colorEnabled({ isTTY: false }), true);
      process.env.NO_COLOR = "1";
      assert.equal(colorEnabled({ isTTY: true }), false);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
