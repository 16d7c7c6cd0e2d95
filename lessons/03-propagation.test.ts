/**
 * Lesson 03 tests. `npm run verify -- 03` runs them against your
 * lessons/03-propagation.ts; one describe per task in lessons/03-propagation.md.
 *
 * Two "services" per test: the global test provider plays the agent gateway,
 * a second provider the LLM service, each with its own service.name. They
 * talk over real HTTP on 127.0.0.1. Each task is checked against a correct
 * peer written here, so your client is tested against a known-good server
 * and your server against a known-good client.
 */
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Tracer } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { FakeLLM } from "../shared/agents/index.ts";
import { listen, postJson, sendJson, type RunningServer } from "../shared/http/index.ts";
import { assertTraceShape, kindName, loadLesson, names, serviceOf, statusName, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./03-propagation.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);
const CALL = { model: "gpt-4", question: "How do traces cross service boundaries?" };

/** The second service of each test: its own provider and service.name, not registered globally. */
function useLlmService() {
  let current: { provider: BasicTracerProvider; exporter: InMemorySpanExporter } | undefined;
  beforeEach(() => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": "llm-service" }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    current = { provider, exporter };
  });
  afterEach(async () => {
    await current?.provider.shutdown();
    current = undefined;
  });
  return {
    tracer: (): Tracer => current!.provider.getTracer("test.llm-service"),
    spans: (): ReadableSpan[] => current!.exporter.getFinishedSpans(),
  };
}

/** Servers started by a test, closed after it whatever happened. */
function useServers() {
  const running: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });
  return async (start: Promise<RunningServer>) => {
    const server = await start;
    running.push(server);
    return server;
  };
}

function onlySpanOfKind(spans: readonly ReadableSpan[], kind: SpanKind, service: string): ReadableSpan {
  const found = spans.filter((span) => span.kind === kind && !span.name.startsWith("chat "));
  if (found.length === 1) return found[0]!;
  assert.fail(
    `🚨 expected one ${kindName(kind)} span in ${service}, found ${found.length}. Its spans: ${names(spans)} ` +
      `(kinds ${spans.map((span) => kindName(span.kind)).join(", ") || "-"}).\n` +
      `   Start the span with { kind: SpanKind.${kindName(kind)} }.`,
  );
}

describe("Task 1: inject the context into the request", () => {
  const gateway = useTestTelemetry({ serviceName: "agent-gateway" });
  const llmService = useLlmService();
  const start = useServers();

  /** A correct LLM service: it extracts the context and starts its SERVER span under it. */
  async function startPeer(received: IncomingHttpHeaders[]) {
    return start(
      listen((req, res) => {
        received.push(req.headers);
        const parent = propagation.extract(ROOT_CONTEXT, req.headers);
        llmService.tracer().startSpan("POST /v1/chat", { kind: SpanKind.SERVER }, parent).end();
        sendJson(res, 200, { content: "ok", model: "gpt-4", userId: null });
      }),
    );
  }

  it("sends a traceparent header that names the CLIENT span", async () => {
    const received: IncomingHttpHeaders[] = [];
    const peer = await startPeer(received);
    const answer = await lesson.askLlmService(peer.url, CALL, gateway.tracer());
    assert.equal(answer.content, "ok", "🚨 askLlmService should return the service's answer");
    const client = onlySpanOfKind(gateway.spans(), SpanKind.CLIENT, "agent-gateway");
    const { traceId, spanId } = client.spanContext();
    assert.ok(
      received[0]?.traceparent,
      `🚨 the request reached the LLM service without a traceparent header (headers: ${Object.keys(received[0] ?? {}).join(", ")}).\n` +
        "   The CLIENT span's context has to travel in the request: write it into `headers` with the global propagator (propagation.inject, from @opentelemetry/api) while the span is active, before postJson().",
    );
    assert.equal(
      received[0].traceparent,
      `00-${traceId}-${spanId}-01`,
      "🚨 traceparent should be 00-<the CLIENT span's trace id>-<its span id>-01, but it names another span: inject the context that is active inside the CLIENT span's callback, not one saved before the span started.",
    );
  });

  it("one trace across both services: the server's span is a child of the CLIENT span", async () => {
    const peer = await startPeer([]);
    await gateway.tracer().startActiveSpan("gateway.handle_message", async (root) => {
      await lesson.askLlmService(peer.url, CALL, gateway.tracer());
      root.end();
    });
    const client = onlySpanOfKind(gateway.spans(), SpanKind.CLIENT, "agent-gateway");
    const server = onlySpanOfKind(llmService.spans(), SpanKind.SERVER, "llm-service");
    assert.notEqual(serviceOf(client), serviceOf(server), "🚨 the two sides should be two services: the CLIENT span comes from the tracer askLlmService() was given");
    assert.equal(
      server.spanContext().traceId,
      client.spanContext().traceId,
      "🚨 the LLM service's span is in a different trace from the gateway's: no trace context crossed the wire. The request headers need a traceparent (propagation.inject).",
    );
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId, "🚨 the server span's parent should be the CLIENT span");
    assert.equal(server.parentSpanContext?.isRemote, true, "🚨 the parent came over the network, so it should be marked remote");
  });

  it("carries the active context's baggage as well", async () => {
    const received: IncomingHttpHeaders[] = [];
    const peer = await startPeer(received);
    const ctx = propagation.setBaggage(context.active(), propagation.createBaggage({ "tenant.id": { value: "acme" } }));
    await context.with(ctx, () => lesson.askLlmService(peer.url, CALL, gateway.tracer()));
    assert.match(
      String(received[0]?.baggage ?? ""),
      /tenant\.id=acme/,
      "🚨 no baggage header although the caller's context held baggage: inject the active context (it holds the baggage), not a context built from ROOT_CONTEXT or a bare span.",
    );
  });

  // The failure paths below are code given in askLlmService: read them, they are part of a CLIENT span.

  it("a 5xx answer: ERROR, http.response.status_code, and error.type is the status code as a string", async () => {
    const peer = await start(listen((_req, res) => sendJson(res, 503, { error: "overloaded" })));
    await assert.rejects(lesson.askLlmService(peer.url, CALL, gateway.tracer()), "🚨 askLlmService should reject when the LLM service answers 503");
    const client = onlySpanOfKind(gateway.spans(), SpanKind.CLIENT, "agent-gateway");
    assert.equal(statusName(client.status.code), "ERROR", `🚨 the CLIENT span of a call answered 503 is ${statusName(client.status.code)}: for a client every 4xx/5xx is a failed call`);
    assert.equal(client.attributes["http.response.status_code"], 503, "🚨 the CLIENT span should carry http.response.status_code");
    assert.equal(
      client.attributes["error.type"],
      "503",
      `🚨 error.type is ${JSON.stringify(client.attributes["error.type"])}: when a response arrived, the HTTP conventions want the status code as a string ("503"), not the class of the error thrown afterwards.`,
    );
  });

  it("no answer at all (connection refused): ERROR, and error.type is the error's code or class name", async () => {
    const closed = await listen((_req, res) => sendJson(res, 200, {}));
    await closed.close();
    const failure: unknown = await lesson.askLlmService(closed.url, CALL, gateway.tracer()).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(failure instanceof Error, "🚨 askLlmService should reject when nothing listens at the address");
    const client = onlySpanOfKind(gateway.spans(), SpanKind.CLIENT, "agent-gateway");
    assert.equal(statusName(client.status.code), "ERROR", `🚨 the CLIENT span of a call that never got an answer is ${statusName(client.status.code)}, expected ERROR`);
    const type = client.attributes["error.type"];
    const allowed = [(failure as { code?: unknown }).code, failure.name];
    assert.ok(
      typeof type === "string" && allowed.includes(type),
      `🚨 error.type is ${JSON.stringify(type)}: with no status code, the HTTP conventions want the exception's type (here ${allowed.map((value) => JSON.stringify(value)).join(" or ")}), never its message.`,
    );
  });
});

describe("Task 2: extract the context on the server", () => {
  const gateway = useTestTelemetry({ serviceName: "agent-gateway" });
  const llmService = useLlmService();
  const start = useServers();

  const startService = () => start(lesson.startLlmService({ tracer: llmService.tracer(), llm: new FakeLLM() }));

  /** What a correct gateway sends: a CLIENT span's context (and baggage) in the headers. */
  async function callAsGateway(url: string, baggage?: string) {
    return gateway.tracer().startActiveSpan("POST /v1/chat", { kind: SpanKind.CLIENT }, async (span) => {
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      if (baggage) headers.baggage = baggage;
      const response = await postJson(`${url}/v1/chat`, CALL, headers);
      span.end();
      return { response, client: span };
    });
  }

  it("continues the caller's trace: the SERVER span's parent is the remote CLIENT span", async () => {
    const service = await startService();
    const { response } = await callAsGateway(service.url);
    assert.equal(response.status, 200, `🚨 the LLM service answered ${response.status}: ${JSON.stringify(response.body)}`);
    const client = onlySpanOfKind(gateway.spans(), SpanKind.CLIENT, "agent-gateway");
    const server = onlySpanOfKind(llmService.spans(), SpanKind.SERVER, "llm-service");
    assert.notEqual(serviceOf(server), serviceOf(client), "🚨 the server span should come from the LLM service's own tracer (service.name llm-service)");
    assert.equal(
      server.spanContext().traceId,
      client.spanContext().traceId,
      "🚨 the SERVER span started a new trace although the request carried a traceparent.\n" +
        "   Read the caller's context out of req.headers with the global propagator (propagation.extract) and start the SERVER span with it as parent.",
    );
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId, "🚨 the SERVER span's parent should be the caller's CLIENT span");
    assert.equal(server.parentSpanContext?.isRemote, true, "🚨 the parent should be the remote span extracted from the headers");
  });

  it("brings the baggage across: user.id from the baggage header is on the SERVER span", async () => {
    const service = await startService();
    const { response } = await callAsGateway(service.url, "user.id=alice");
    assert.equal((response.body as Lesson.ChatAnswer).userId, "alice", "🚨 the service did not read user.id from the baggage: the baggage comes with the extracted context");
    const server = onlySpanOfKind(llmService.spans(), SpanKind.SERVER, "llm-service");
    assert.equal(server.attributes["user.id"], "alice", '🚨 the SERVER span should carry user.id, read from the extracted baggage');
  });

  it("a request without traceparent still succeeds and starts a new trace", async () => {
    const service = await startService();
    const response = await postJson(`${service.url}/v1/chat`, CALL);
    assert.equal(response.status, 200, `🚨 a request without trace headers must still be served; got ${response.status}`);
    const server = onlySpanOfKind(llmService.spans(), SpanKind.SERVER, "llm-service");
    assert.equal(server.parentSpanContext, undefined, "🚨 with no traceparent the SERVER span should be a root (a new trace)");
  });

  it("takes the parent from the request only, never from what is active in the server process", async () => {
    // A server started inside a span: AsyncLocalStorage hands that context to
    // every request the server later receives (it is captured at listen()).
    const service = await llmService.tracer().startActiveSpan("llm-service.startup", async (startup) => {
      try {
        return await startService();
      } finally {
        startup.end();
      }
    });
    const response = await postJson(`${service.url}/v1/chat`, CALL);
    assert.equal(response.status, 200, `🚨 a request without trace headers must still be served; got ${response.status}`);
    const server = onlySpanOfKind(llmService.spans(), SpanKind.SERVER, "llm-service");
    assert.equal(
      server.parentSpanContext,
      undefined,
      "🚨 a request without traceparent became a child of a span that was active in the server process.\n" +
        "   The base context you extract into is kept when the headers carry nothing: use an empty one (ROOT_CONTEXT), not context.active().",
    );
  });

  for (const traceparent of [
    "garbage",
    "00-not-a-trace-id-at-all-01",
    "00-00000000000000000000000000000000-0000000000000000-01",
    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  ]) {
    it(`a malformed traceparent (${traceparent.slice(0, 24)}…) still succeeds and starts a new trace`, async () => {
      const service = await startService();
      const response = await postJson(`${service.url}/v1/chat`, CALL, { traceparent, baggage: "%%;;==,,user.id" });
      assert.equal(response.status, 200, `🚨 a bad traceparent must never fail the request; got ${response.status}: ${JSON.stringify(response.body)}`);
      const server = onlySpanOfKind(llmService.spans(), SpanKind.SERVER, "llm-service");
      assert.equal(server.parentSpanContext, undefined, `🚨 a malformed traceparent should be ignored: the SERVER span should start a new trace`);
      assert.match(server.spanContext().traceId, /^(?!0{32})[0-9a-f]{32}$/, "🚨 the new trace needs a valid trace id of its own");
    });
  }
});

describe("Task 3: put the user in the baggage", () => {
  const gateway = useTestTelemetry({ serviceName: "agent-gateway" });

  it('adds a "user.id" entry to the context\'s baggage', () => {
    const ctx = lesson.withUserBaggage(ROOT_CONTEXT, "user_123");
    const entry = propagation.getBaggage(ctx)?.getEntry("user.id");
    assert.equal(
      entry?.value,
      "user_123",
      "🚨 the returned context has no \"user.id\" baggage entry: contexts and baggage are immutable, so return a new context whose baggage holds the entry (propagation.setBaggage, Baggage.setEntry).",
    );
  });

  it("keeps the entries already in the baggage", () => {
    const before = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ "tenant.id": { value: "acme" } }));
    const baggage = propagation.getBaggage(lesson.withUserBaggage(before, "user_123"));
    assert.equal(baggage?.getEntry("user.id")?.value, "user_123", "🚨 no user.id in the baggage");
    assert.equal(
      baggage?.getEntry("tenant.id")?.value,
      "acme",
      "🚨 an entry set upstream was dropped: start from the baggage already in ctx (propagation.getBaggage), and create a new one only when there is none.",
    );
  });

  it("keeps the active span in the returned context", () => {
    const span = gateway.tracer().startSpan("gateway.handle_message");
    const ctx = lesson.withUserBaggage(trace.setSpan(ROOT_CONTEXT, span), "user_123");
    span.end();
    assert.ok(propagation.getBaggage(ctx)?.getEntry("user.id"), "🚨 no user.id in the baggage");
    assert.equal(trace.getSpan(ctx), span, "🚨 the returned context lost its span: derive the new context from `ctx`, not from ROOT_CONTEXT or context.active().");
  });
});

describe("Task 4: treat inbound baggage as untrusted", () => {
  useTestTelemetry({ serviceName: "agent-gateway" });
  const llmService = useLlmService();
  const start = useServers();

  const withBaggage = (value: string) => propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ "user.id": { value } }));

  it("accepts a well-formed user id", () => {
    assert.equal(lesson.userIdFromBaggage(withBaggage("user_123")), "user_123", "🚨 a plain user id like user_123 should be accepted");
    assert.equal(lesson.userIdFromBaggage(withBaggage("team.a-7")), "team.a-7", "🚨 letters, digits, _ . and - are all allowed in a user id");
    assert.equal(lesson.userIdFromBaggage(withBaggage("u".repeat(64))), "u".repeat(64), "🚨 a user id of exactly 64 characters should be accepted");
    assert.equal(lesson.userIdFromBaggage(ROOT_CONTEXT), undefined, "🚨 no baggage means no user id");
  });

  for (const [what, value] of [
    ["markup", "<script>alert(1)</script>"],
    ["8 KB of junk", "x".repeat(8192)],
    ["65 characters, one over the limit", "u".repeat(65)],
    ["spaces and quotes", 'alice" OR "1"="1'],
    ["a line break", "alice\nlevel=admin"],
    ["an empty value", ""],
  ] as const) {
    it(`rejects ${what}`, () => {
      // assert.ok, not equal: a diff of 8 KB of junk would bury the message.
      assert.ok(
        lesson.userIdFromBaggage(withBaggage(value)) === undefined,
        `🚨 user.id ${JSON.stringify(value.slice(0, 40))} was accepted: baggage comes from whoever sent the request.\n` +
          "   Accept only what a user id looks like: letters, digits, _ . and -, 1 to 64 characters (a regular expression with anchors).",
      );
    });
  }

  it("copies no other baggage entry onto spans", async () => {
    const service = await start(lesson.startLlmService({ tracer: llmService.tracer(), llm: new FakeLLM() }));
    await postJson(`${service.url}/v1/chat`, CALL, { baggage: "user.id=alice,api.key=sk-secret-123" });
    for (const span of llmService.spans()) {
      for (const [key, value] of Object.entries(span.attributes)) {
        assert.ok(
          !String(value).includes("sk-secret"),
          `🚨 span "${span.name}" attribute ${key} holds a value from the baggage's api.key entry: copy only the entries you chose, after checking them.`,
        );
      }
    }
  });

  it("does not record a rejected user.id on the SERVER span, and still serves the request", async () => {
    const service = await start(lesson.startLlmService({ tracer: llmService.tracer(), llm: new FakeLLM() }));
    const response = await postJson(`${service.url}/v1/chat`, CALL, { baggage: `user.id=${"x".repeat(300)}` });
    assert.equal(response.status, 200, `🚨 an unacceptable baggage entry must not fail the request; got ${response.status}`);
    for (const span of llmService.spans()) {
      assert.equal(span.attributes["user.id"], undefined, `🚨 span "${span.name}" recorded a user.id the service should have rejected`);
    }
  });
});

describe("The whole trace (every task together)", () => {
  const gateway = useTestTelemetry({ serviceName: "agent-gateway" });
  const llmService = useLlmService();
  const start = useServers();

  it("handleUserMessage: one trace from the gateway through the LLM service, with the user carried in baggage", async () => {
    const service = await start(lesson.startLlmService({ tracer: llmService.tracer(), llm: new FakeLLM() }));
    const answer = await lesson.handleUserMessage(service.url, "user_123", CALL.question, gateway.tracer());
    assert.equal(
      answer.userId,
      "user_123",
      "🚨 the LLM service did not read user.id from the baggage: the call must run inside context.with(withUserBaggage(...), ...) so inject() sends it",
    );
    const spans = [...gateway.spans(), ...llmService.spans()];
    assertTraceShape(
      spans,
      `
      gateway.handle_message
        POST /v1/chat
          POST /v1/chat
            chat gpt-4
      `,
      "Inject on the gateway, extract on the LLM service: the SERVER span must continue the CLIENT span's trace.",
    );
    const server = onlySpanOfKind(llmService.spans(), SpanKind.SERVER, "llm-service");
    assert.equal(server.attributes["user.id"], "user_123", "🚨 the SERVER span should carry user.id from the baggage");
  });
});
