/**
 * Lesson 12 · Privacy: traces of an AI agent without the user's data in them.
 *
 * Prompts and completions are user data: names, e-mail addresses, the API
 * key someone pasted into a chat. Traces go to places with wider access and
 * longer retention than the application's own database. So:
 *   1. message content is off by default, and an operator opts in;
 *   2. a span processor redacts secrets and personal data from names,
 *      attributes and events before any exporter sees them;
 *   3. span limits cap what one attribute can hold;
 *   4. inbound baggage is cut to an allow-list at the trust boundary.
 *
 * Run it:    npx tsx lessons/12-privacy.ts
 *            OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true npx tsx lessons/12-privacy.ts
 * Check it:  npm run verify -- 12
 * Read:      lessons/12-privacy.md
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type AttributeValue,
  type Attributes,
  type Context,
} from "@opentelemetry/api";
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type Span, type SpanLimits, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
// The gen_ai.* constants live only in the `incubating` entry point of
// @opentelemetry/semantic-conventions 1.45 and are marked deprecated there
// ("Moved to the OpenTelemetry GenAI semantic conventions repository",
// open-telemetry/semantic-conventions-genai). The attribute names themselves
// are current; only where the constants are published is moving.
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from "@opentelemetry/semantic-conventions/incubating";
import { FAKE_PROVIDER_NAME, FakeLLM, type ChatRequest, type ChatResponse } from "../shared/agents/index.ts";
import { findSensitive, redactText } from "../shared/privacy/index.ts";
import { setupTelemetry } from "../shared/telemetry/index.ts";
import { runMain } from "../shared/workbook/run-main.ts";

/**
 * The switch OpenTelemetry's GenAI instrumentations read. As a boolean
 * ("true"): JS `@opentelemetry/instrumentation-openai` and Python's
 * `opentelemetry-instrumentation-openai-v2`. As a mode (NO_CONTENT, SPAN_ONLY,
 * EVENT_ONLY, SPAN_AND_EVENT, any case): Python's `opentelemetry-util-genai`
 * since 0.1b0 (2025-09-25), only with
 * OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental.
 */
export const CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

/** Task 1: is the operator asking for prompts and completions on spans? */
export function captureMessageContent(env: Record<string, string | undefined> = process.env): boolean {
  // TODO(1): Content is off unless the operator opts in through
  //          env[CAPTURE_CONTENT_ENV]. lessons/12-privacy.md lists which values
  //          put content on spans; anything else leaves it off.
  // Always on: every prompt and completion goes to the trace backend.
  return true;
}

/** The GenAI conventions' message shape: role plus a list of typed parts. */
function asMessages(messages: Array<{ role: string; content: string }>, finishReason?: string): string {
  return JSON.stringify(
    messages.map((message) => ({
      role: message.role,
      parts: [{ type: "text", content: message.content }],
      ...(finishReason ? { finish_reason: finishReason } : {}),
    })),
  );
}

/**
 * A model call with a `chat {model}` CLIENT span, as the kit's tracedChat()
 * does, plus the opt-in content: gen_ai.input.messages and
 * gen_ai.output.messages, JSON strings in the conventions' format.
 */
export async function chat(llm: FakeLLM, request: ChatRequest, env: Record<string, string | undefined> = process.env): Promise<ChatResponse> {
  // Looked up per call: the API's ProxyTracer keeps the first delegate it
  // sees, and the test fixture replaces the global tracer provider per test.
  const tracer = trace.getTracer("lesson-12");
  return tracer.startActiveSpan(
    `chat ${request.model}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_GEN_AI_OPERATION_NAME]: "chat",
        [ATTR_GEN_AI_PROVIDER_NAME]: FAKE_PROVIDER_NAME,
        [ATTR_GEN_AI_REQUEST_MODEL]: request.model,
      },
    },
    async (span) => {
      try {
        const response = await llm.chat(request);
        span.setAttributes({
          [ATTR_GEN_AI_RESPONSE_ID]: response.id,
          [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: response.usage.inputTokens,
          [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: response.usage.outputTokens,
        });
        if (captureMessageContent(env)) {
          span.setAttribute(ATTR_GEN_AI_INPUT_MESSAGES, asMessages(request.messages));
          span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, asMessages([{ role: "assistant", content: response.content }], response.finishReason));
        }
        return response;
      } finally {
        span.end();
      }
    },
  );
}

function redactValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? redactText(item) : item)) as AttributeValue;
  return value;
}

function redactAttributes(attributes: Attributes | undefined): Attributes | undefined {
  if (!attributes) return attributes;
  return Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, redactValue(value)]));
}

/**
 * Task 2: a span processor that masks secrets and personal data before any
 * exporter sees the span.
 *
 * Why onEnding(): the SDK calls it on every processor while the span is still
 * writable, before any processor's onEnd(). Exporters hang off onEnd(), so
 * each of them (also ones added later, or from OTEL_TRACES_EXPORTER) gets the
 * redacted span, whatever the order of the processors. In onEnd() the span is
 * read-only. (onEnding is marked experimental in SDK 2.x; the alternative is a
 * wrapper that hands a redacted *copy* to one inner processor, which only
 * protects the exporters you remember to wrap.)
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    // TODO(2): Redact with redactText() everything on the span that can carry
    //          user text: its name, its string and string-array attributes, its
    //          status message, each event's name and attributes, and each
    //          link's attributes.
    // Nothing is redacted yet: exporters receive the span exactly as written.
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Task 3: a cap on what any one attribute (or event attribute) can hold. */
export function privacySpanLimits(): SpanLimits {
  // TODO(3): Return span limits that cut every attribute value to at most
  //          2048 characters and keep at most 64 attributes per span.
  return {};
}

/** Baggage keys this service accepts from its callers. Everything else is dropped at the door. */
export const ALLOWED_BAGGAGE_KEYS = ["tenant.id", "request.channel"] as const;
const MAX_BAGGAGE_VALUE_LENGTH = 64;

/** Task 4: read the caller's context, keeping only the baggage we trust. */
export function acceptInboundContext(headers: Record<string, string | undefined>, parent: Context = context.active()): Context {
  const extracted = propagation.extract(parent, headers);
  // TODO(4): Baggage from outside is untrusted input: keep only the entries
  //          whose key is in ALLOWED_BAGGAGE_KEYS and whose value is at most
  //          64 characters, and only their values (not the caller's metadata).
  return extracted;
}

/** A SERVER span for an inbound request that records the caller's baggage on the span (a common pattern). */
export async function handleInbound<T>(headers: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const ctx = acceptInboundContext(headers);
  const attributes: Attributes = {};
  for (const [key, entry] of propagation.getBaggage(ctx)?.getAllEntries() ?? []) attributes[`app.baggage.${key}`] = entry.value;
  return trace.getTracer("lesson-12").startActiveSpan("handle_chat", { kind: SpanKind.SERVER, attributes }, ctx, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}

async function main(): Promise<void> {
  const exported: ReadableSpan[] = [];
  const telemetry = setupTelemetry({
    serviceName: "support-agent",
    spanProcessors: [new RedactingSpanProcessor()],
    spanLimits: privacySpanLimits(),
    // A second exporter that keeps what was exported, to check it below.
    spanExporters: [{ export: (spans, done) => (exported.push(...spans), done({ code: 0 })), shutdown: async () => {} }],
  });
  const capture = captureMessageContent();
  console.log(`${CAPTURE_CONTENT_ENV}=${process.env[CAPTURE_CONTENT_ENV] ?? "(unset)"} → message content ${capture ? "ON" : "off"}`);
  const limits = privacySpanLimits();
  console.log(
    limits.attributeValueLengthLimit === undefined
      ? "span limits: none of your own, so an attribute value of any length is exported → TODO(3)\n"
      : `span limits: values cut at ${limits.attributeValueLengthLimit} characters, at most ${limits.attributeCountLimit ?? 128} attributes per span\n`,
  );

  const llm = new FakeLLM({ seed: 12 });
  // A caller that sends more baggage than it should.
  const headers = {
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    baggage: "tenant.id=acme;owner=ada%40example.com,user.email=ada%40example.com,session.token=Bearer%20eyJhbGciOi.payload.sig",
  };
  const userMessage =
    "Hi, I'm ada@example.com. My key sk-proj-Zx81bQ2mNc0pLr7sTuVw stopped working, and my card 4111 1111 1111 1111 was charged twice.";
  await handleInbound(headers, async () => {
    await chat(llm, { model: "gpt-4o", messages: [{ role: "user", content: userMessage }] });
    // An error whose message quotes the secret: it lands in an event.
    const span = trace.getActiveSpan();
    span?.recordException(new Error("upstream rejected key sk-proj-Zx81bQ2mNc0pLr7sTuVw"));
    span?.addEvent("lookup ada@example.com", { "lookup.query": "email=ada@example.com" });
  });
  // Each layer checked on its own (while the kit's propagator is still
  // registered), so the run can name the first one still missing.
  const open = openTasks(headers);
  await telemetry.shutdown();

  // What reached the exporters: anything sensitive left?
  const leaks = exported.flatMap((span) => {
    const texts = [span.name, span.status.message ?? "", JSON.stringify(span.attributes), JSON.stringify(span.events)];
    return findSensitive(texts.join(" ")).map((kind) => `${kind} in span "${span.name}"`);
  });
  const prompt = exported.find((span) => span.attributes[ATTR_GEN_AI_INPUT_MESSAGES])?.attributes[ATTR_GEN_AI_INPUT_MESSAGES];
  if (prompt) console.log(`The prompt as exported (content capture is on):\n  ${String(prompt)}\n`);
  if (leaks.length === 0) {
    console.log("✓ no secrets or personal data reached the exporters");
  } else {
    console.log(`⚠ leaked to the exporters: ${leaks.join(", ")}`);
  }

  for (const [task, symptom] of open) console.log(`  ⚠ ${symptom} (TODO(${task}))`);
  const next = open[0]?.[0];
  console.log(
    next === undefined
      ? "✓ all four layers are in place."
      : `\nNext: TODO(${next}) in lessons/12-privacy.ts, explained in lessons/12-privacy.md (Task ${next}).`,
  );
}

/** The layers whose symptom shows, in task order, each with what was seen. */
function openTasks(headers: Record<string, string>): Array<[number, string]> {
  const open: Array<[number, string]> = [];
  if (captureMessageContent({})) open.push([1, "with the variable unset, message content is ON"]);
  const probe: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    spanProcessors: [new RedactingSpanProcessor(), new SimpleSpanProcessor({ export: (spans, done) => (probe.push(...spans), done({ code: 0 })), shutdown: async () => {} })],
  });
  provider.getTracer("lesson-12-probe").startSpan("probe", { attributes: { "app.note": "mail ada@example.com" } }).end();
  if (probe.some((span) => findSensitive(JSON.stringify(span.attributes)).length > 0)) open.push([2, "an e-mail address in an attribute passes RedactingSpanProcessor unchanged"]);
  if (privacySpanLimits().attributeValueLengthLimit === undefined) open.push([3, "no attribute value length limit of your own"]);
  const accepted = propagation.getBaggage(acceptInboundContext(headers, ROOT_CONTEXT))?.getAllEntries() ?? [];
  const refused = accepted.filter(([key, entry]) => !(ALLOWED_BAGGAGE_KEYS as readonly string[]).includes(key) || entry.metadata !== undefined);
  if (refused.length > 0) open.push([4, `the caller's baggage got past the allow-list and would travel on: ${refused.map(([key, entry]) => (entry.metadata ? `${key} (with the caller's metadata)` : key)).join(", ")}`]);
  return open;
}

runMain(import.meta.url, main);
