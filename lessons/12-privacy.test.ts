/**
 * Lesson 12 tests. `npm run verify -- 12` runs them against your
 * lessons/12-privacy.ts; one describe per task in lessons/12-privacy.md.
 * They feed crafted secrets in through every door and read what an exporter got.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { propagation, ROOT_CONTEXT, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { FakeLLM } from "../shared/agents/index.ts";
import { findSensitive } from "../shared/privacy/index.ts";
import { findSpan, loadLesson, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./12-privacy.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

const KEY = "sk-proj-Zx81bQ2mNc0pLr7sTuVw";
const EMAIL = "ada.lovelace@example.com";
const CARD = "4111-1111-1111-1111";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

/** Everything an exporter would serialize from a span, as one string. */
function exportedText(span: ReadableSpan): string {
  return [span.name, span.status.message ?? "", JSON.stringify(span.attributes), JSON.stringify(span.events), JSON.stringify(span.links)].join(" ");
}

function assertNoLeak(spans: readonly ReadableSpan[], where: string): void {
  for (const span of spans) {
    const text = exportedText(span);
    const raw = [KEY, EMAIL, CARD, TOKEN].filter((secret) => text.includes(secret));
    const kinds = findSensitive(text);
    assert.deepEqual(
      { raw, kinds },
      { raw: [], kinds: [] },
      `🚨 span "${span.name}" reached the exporter with sensitive data ${where}. Redact it in RedactingSpanProcessor.onEnding() with redactText().`,
    );
  }
}

describe("Task 1: message content is opt-in", () => {
  const telemetry = useTestTelemetry();

  it("is off when the variable is unset, empty or anything but an opt-in value", () => {
    for (const value of [undefined, "", "false", "no", "1", "NO_CONTENT", "event_only"]) {
      assert.equal(
        lesson.captureMessageContent({ [lesson.CAPTURE_CONTENT_ENV]: value }),
        false,
        `🚨 ${lesson.CAPTURE_CONTENT_ENV}=${String(value)} must leave message content off: prompts are user data, capture them only when the operator opts in`,
      );
    }
  });

  it('is on for "true" (any case), "span_only" and "span_and_event"', () => {
    for (const value of ["true", "TRUE", " True ", "span_only", "SPAN_AND_EVENT"]) {
      assert.equal(lesson.captureMessageContent({ [lesson.CAPTURE_CONTENT_ENV]: value }), true, `🚨 ${lesson.CAPTURE_CONTENT_ENV}="${value}" should turn content capture on`);
    }
  });

  it("puts no prompt or completion on the chat span by default", async () => {
    await lesson.chat(new FakeLLM({ latencyMs: 0 }), { model: "gpt-4o", messages: [{ role: "user", content: "my diary entry" }] }, {});
    const span = findSpan(telemetry.spans(), "chat gpt-4o");
    assert.equal(span.attributes["gen_ai.input.messages"], undefined, "🚨 the prompt is on the span although nobody opted in");
    assert.equal(span.attributes["gen_ai.output.messages"], undefined, "🚨 the completion is on the span although nobody opted in");
  });
});

describe("Task 2: a redacting span processor", () => {
  const telemetry = useTestTelemetry({ spanProcessors: () => [new lesson.RedactingSpanProcessor()] });

  it("redacts secrets in attributes, also inside nested strings and arrays", () => {
    const span = telemetry.tracer().startSpan("tool_call", {
      attributes: {
        "tool.arguments": JSON.stringify({ auth: { header: `Bearer ${TOKEN}` }, to: EMAIL }),
        "tool.recipients": ["ops@example.org", `card ${CARD}`],
        "tool.count": 3,
      },
    });
    span.setAttribute("late.attribute", `key=${KEY}`);
    span.end();
    const [exported] = telemetry.spans();
    assertNoLeak(telemetry.spans(), "in its attributes");
    assert.equal(exported!.attributes["tool.count"], 3, "🚨 leave numbers and other non-text attributes as they were");
    assert.match(String(exported!.attributes["late.attribute"]), /^key=\[REDACTED:api_key\]$/, "🚨 replace only the secret, keep the rest of the text");
  });

  it("redacts span names, the status message and events (exception messages too)", () => {
    const span = telemetry.tracer().startSpan(`notify ${EMAIL}`);
    span.addEvent(`retrying for ${EMAIL}`, { "http.request.header.authorization": `Bearer ${TOKEN}` });
    span.recordException(new Error(`provider rejected ${KEY}`));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `charge failed for ${CARD}` });
    span.end();
    assertNoLeak(telemetry.spans(), "in its name, status or events");
    const [exported] = telemetry.spans();
    assert.equal(exported!.events.length, 2, "🚨 keep the events: redact them, do not drop them");
  });

  it("protects every exporter, whatever the order of the processors", async () => {
    // The redactor is registered *after* the exporting processor here.
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), new lesson.RedactingSpanProcessor()] });
    provider.getTracer("t").startSpan("lookup", { attributes: { "user.email": EMAIL } }).end();
    assertNoLeak(exporter.getFinishedSpans(), "through an exporter registered before the redactor (redact in onEnding, not onEnd)");
    await provider.shutdown();
  });
});

describe("Task 3: span limits", () => {
  it("caps every attribute value, span and event alike", async () => {
    const limits = lesson.privacySpanLimits();
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanLimits: limits, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer("t").startSpan("chat", { attributes: { "gen_ai.input.messages": "x".repeat(100_000) } });
    span.addEvent("big", { payload: "y".repeat(100_000) });
    for (let i = 0; i < 500; i++) span.setAttribute(`extra.${i}`, i);
    span.end();
    const [exported] = exporter.getFinishedSpans();
    const length = String(exported!.attributes["gen_ai.input.messages"]).length;
    assert.ok(length <= 2048, `🚨 a 100 000-character attribute was exported with ${length} characters: set spanLimits.attributeValueLengthLimit to 2048`);
    assert.ok(length > 0, "🚨 the value was cut to nothing: attributeValueLengthLimit should be 2048, not 0");
    assert.ok(String(exported!.events[0]!.attributes!.payload).length <= 2048, "🚨 the length limit applies to event attributes too");
    const count = Object.keys(exported!.attributes).length;
    // The SDK's default keeps 128: only a limit of your own passes this.
    assert.ok(count <= 64, `🚨 ${count} attributes were kept (the SDK default is 128): set spanLimits.attributeCountLimit to 64`);
    await provider.shutdown();
  });
});

describe("Task 4: inbound baggage allow-list", () => {
  const telemetry = useTestTelemetry();
  const headers = {
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    baggage: [
      "tenant.id=acme",
      `user.email=${encodeURIComponent(EMAIL)}`,
      `session.token=${encodeURIComponent(`Bearer ${TOKEN}`)}`,
      `request.channel=${"z".repeat(500)}`,
    ].join(","),
  };

  it("keeps only allowed keys with short values", () => {
    const ctx = lesson.acceptInboundContext(headers, ROOT_CONTEXT);
    const entries = Object.fromEntries((propagation.getBaggage(ctx)?.getAllEntries() ?? []).map(([key, entry]) => [key, entry.value]));
    assert.deepEqual(
      entries,
      { "tenant.id": "acme" },
      "🚨 baggage from a caller is untrusted input: keep only ALLOWED_BAGGAGE_KEYS, with values of at most 64 characters",
    );
  });

  it("keeps the trace context while cutting the baggage", async () => {
    await lesson.handleInbound(headers, async () => {});
    const span = findSpan(telemetry.spans(), "handle_chat");
    assert.equal(span.spanContext().traceId, "4bf92f3577b34da6a3ce929d0e0e4736", "🚨 the caller's trace context must still be extracted");
    assert.equal(span.attributes["baggage.tenant.id"], "acme");
    assertNoLeakOfBaggage(span);
  });

  it("forwards nothing it did not accept", () => {
    const ctx = lesson.acceptInboundContext(headers, ROOT_CONTEXT);
    const outgoing: Record<string, string> = {};
    propagation.inject(ctx, outgoing);
    assert.equal(outgoing.baggage, "tenant.id=acme", "🚨 dropped baggage must not travel on to the services we call");
  });
});

function assertNoLeakOfBaggage(span: ReadableSpan): void {
  const text = exportedText(span);
  assert.ok(!text.includes("example.com") && !text.includes(TOKEN) && !text.includes("zzzz"), `🚨 baggage the service should have refused reached the span: ${JSON.stringify(span.attributes)}`);
}
