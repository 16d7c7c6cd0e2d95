import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BoundedVocabulary, displayUrl, isPrintable, printable } from "./index.ts";

describe("printable: values from outside, safe for a terminal", () => {
  const CASES: [string, string, string][] = [
    ["an OSC title sequence", "a\x1b]0;pwned\x07b", "a\\x1b]0;pwned\\x07b"],
    ["a CSI clear screen", "\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"],
    ["a one-byte C1 CSI", "x\x9b2Jy", "x\\x9b2Jy"],
    ["newlines and tabs", "a\nb\r\tc", "a\\x0ab\\x0d\\x09c"],
    ["DEL and NUL", "\x7f\x00", "\\x7f\\x00"],
    ["a bidi override", "invoice\u202efdp.exe", "invoice\\u202efdp.exe"],
    ["bidi isolates", "\u2066x\u2069", "\\u2066x\\u2069"],
    ["a line separator", "a\u2028b", "a\\u2028b"],
    ["a lone surrogate", "a\ud800b", "a\\ud800b"],
    ["CJK, emoji and accents untouched", "审计 🤖 café", "审计 🤖 café"],
  ];
  for (const [what, input, expected] of CASES) {
    it(`escapes ${what}`, () => assert.equal(printable(input), expected));
  }

  it("bounds the length, without splitting a surrogate pair, and says how much was cut", () => {
    assert.equal(printable("x".repeat(1_000_000), 10), `${"x".repeat(10)}…(+999990 chars)`);
    assert.equal(printable("abcdefghi🤖z", 10), "abcdefghi…(+3 chars)");
    assert.equal(isPrintable("ok"), true);
    assert.equal(isPrintable("no\x1b"), false);
    assert.equal(isPrintable("x".repeat(300)), false);
  });

  it("displayUrl hides the password (or a lone user name) of a URL", () => {
    assert.equal(displayUrl("http://agent:hunter2@127.0.0.1:9411/api/v2/spans"), "http://agent:***@127.0.0.1:9411/api/v2/spans");
    assert.equal(displayUrl("https://token@collector.example/v1/traces"), "https://***@collector.example/v1/traces");
    assert.equal(displayUrl("not a url user:pw@host"), "***@host");
    assert.equal(displayUrl("http://localhost:4318/v1/traces"), "http://localhost:4318/v1/traces");
  });

  it("BoundedVocabulary keeps the first N well-formed names, and _OTHER after", () => {
    const models = new BoundedVocabulary(2);
    assert.deepEqual(["gpt-4o", "claude-3-5", "gpt-4o", "new-one", "bad\x1bname", "x".repeat(100), 42].map((v) => models.name(v)), [
      "gpt-4o",
      "claude-3-5",
      "gpt-4o",
      "_OTHER",
      "_OTHER",
      "_OTHER",
      "_OTHER",
    ]);
  });
});

describe("the terminal trace tree prints untrusted names escaped", () => {
  it("span name, service name, attribute key and value, event name and status message", async () => {
    const { InMemorySpanExporter } = await import("@opentelemetry/sdk-trace-base");
    const { SpanStatusCode } = await import("@opentelemetry/api");
    const { renderTraces } = await import("../trace-view/index.ts");
    const { serviceProvider } = await import("../trace-view/fixtures.ts");
    const exporter = new InMemorySpanExporter();
    const { tracer } = serviceProvider("svc\x1b]0;pwned\x07", exporter);
    const span = tracer.startSpan("chat \x1b[2Jevil\u202e");
    span.setAttribute("gen_ai.request.model", "m\x1b[31mred");
    span.setAttribute("k\x9bey", "v");
    span.addEvent("ev\x1b[H", { a: "\x07" });
    span.setStatus({ code: SpanStatusCode.ERROR, message: "bad \x1b]8;;http://x\x07link" });
    span.end();
    const text = renderTraces(exporter.getFinishedSpans(), { color: false });
    assert.doesNotMatch(text, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, `🚨 raw control characters reach the terminal:\n${JSON.stringify(text)}`);
    assert.match(text, /chat \\x1b\[2Jevil\\u202e/);
    assert.match(text, /svc\\x1b\]0;pwned\\x07/);
  });
});
