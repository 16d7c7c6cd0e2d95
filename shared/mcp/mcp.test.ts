/**
 * The MCP pieces lesson 15 stands on, with the real SDK over real HTTP:
 * trace context in `params._meta` (written by the caller, read back by the
 * server, hostile values refused), a server that dies mid-call (the call
 * fails fast with a low-cardinality error.type), huge and hostile tool
 * results bounded, and the server process exporting its own spans over OTLP.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { startOtlpReceiver } from "../receivers/index.ts";
import { receivedSpans, settle } from "../agent-service/otlp-spans.ts";
import { CallToolResultSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { InMemorySpanExporter, SimpleSpanProcessor, BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { recordSpanError } from "../agents/index.ts";
import { boundToolResult, connectMcp, jsonRpcErrorCode, listenMcp, mcpErrorType, metaGetter, metaSetter, startMcpServer, type Meta, type ToolExtra } from "./index.ts";

const propagator = new W3CTraceContextPropagator();
const parent = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  traceFlags: TraceFlags.SAMPLED,
  isRemote: false,
});

describe("trace context in params._meta", () => {
  it("a tools/call carries traceparent in _meta to the server, with the session and request ids", async () => {
    const seen: ToolExtra[] = [];
    const server = await listenMcp((_name, handler) => async (args, extra) => {
      seen.push(extra);
      return handler(args, extra);
    });
    const mcp = await connectMcp(server.url);
    try {
      const meta: Meta = {};
      propagator.inject(parent, meta, metaSetter);
      assert.match(String(meta.traceparent), /^00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01$/, "🚨 inject did not write traceparent into _meta");
      await mcp.client.callTool({ name: "lookup_weather", arguments: { query: "Lisbon" }, _meta: meta });
      const extra = seen[0];
      assert.ok(extra, "🚨 the server's tool handler never ran");
      assert.equal(extra._meta?.traceparent, meta.traceparent, "🚨 _meta.traceparent did not arrive at the server unchanged");
      const remote = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, extra._meta as Meta, metaGetter));
      assert.equal(remote?.traceId, "4bf92f3577b34da6a3ce929d0e0e4736", "🚨 the server could not extract the caller's trace from _meta");
      assert.equal(remote?.spanId, "00f067aa0ba902b7", "🚨 the extracted parent is not the caller's span");
      assert.equal(remote?.isRemote, true, "🚨 an extracted parent must be marked remote");
      assert.ok(mcp.sessionId && extra.sessionId === mcp.sessionId, `🚨 the session id differs between client (${mcp.sessionId}) and server (${extra.sessionId})`);
      assert.ok(extra.requestId !== undefined && extra.requestId !== null, "🚨 the server saw no JSON-RPC request id");
      assert.ok(mcp.protocolVersion, "🚨 the client negotiated no protocol version");
    } finally {
      await mcp.close();
      await server.close();
    }
  });

  it("the client transport tags the active span with the tools/call request id", async () => {
    const server = await listenMcp();
    const mcp = await connectMcp(server.url);
    const tagged: Record<string, unknown> = {};
    const span = trace.wrapSpanContext(trace.getSpanContext(parent)!);
    span.setAttribute = (key, value) => ((tagged[key] = value), span);
    try {
      const { context } = await import("@opentelemetry/api");
      const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
      const manager = new AsyncLocalStorageContextManager().enable();
      context.setGlobalContextManager(manager);
      try {
        await context.with(trace.setSpan(ROOT_CONTEXT, span), () => mcp.client.callTool({ name: "lookup_weather", arguments: { query: "Porto" } }));
      } finally {
        context.disable();
      }
      assert.match(String(tagged["jsonrpc.request.id"]), /^\d+$/, "🚨 the tools/call request id was not put on the active span");
    } finally {
      await mcp.close();
      await server.close();
    }
  });

  it("a JSON-RPC error from the server gives rpc.response.status_code and error.type; a closed connection gives no status code", async () => {
    const server = await listenMcp();
    const mcp = await connectMcp(server.url);
    try {
      const error = await mcp.client.request({ method: "tools/nope" } as never, CallToolResultSchema).catch((e: unknown) => e);
      assert.equal(jsonRpcErrorCode(error), "-32601", "🚨 a Method not found answer should give rpc.response.status_code -32601");
      assert.equal(mcpErrorType(error), "-32601", "🚨 error.type should be the JSON-RPC code as a string (mcp.md)");
      assert.equal(jsonRpcErrorCode(new McpError(-32000, "Connection closed")), undefined, "🚨 a connection the client saw close is no response code");
    } finally {
      await mcp.close();
      await server.close();
    }
  });

  it("a tool result keeps its line breaks and escapes every other unprintable character: separators, bidi marks, lone surrogates", () => {
    const result = boundToolResult({ content: [{ type: "text", text: "line one\nline two\u2028forged\u200eback\ud800 \u001b[2J" }] });
    assert.equal(result.text, "line one\nline two\\u2028forged\\u200eback\\ud800 \\x1b[2J", `🚨 the bounded result is ${JSON.stringify(result.text)}`);
    assert.equal(result.escaped, true, "🚨 the bounded result does not say it escaped characters");
    assert.equal(boundToolResult({ content: [{ type: "text", text: "a\nb" }] }).escaped, false, "🚨 a line break alone is not something escaped");
  });

  it("hostile _meta values read as absent: no remote parent from an object, a number or a megabyte", () => {
    for (const traceparent of [{ toString: () => "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }, 42, `00-${"a".repeat(1_000_000)}`]) {
      const extracted = propagator.extract(ROOT_CONTEXT, { traceparent } as Meta, metaGetter);
      assert.equal(trace.getSpanContext(extracted), undefined, `🚨 a ${typeof traceparent} traceparent became a parent`);
    }
    assert.deepEqual(metaGetter.keys(undefined), [], "🚨 keys() of a missing _meta should be empty");
  });
});

describe("results and failures from the tool server", () => {
  let server: Awaited<ReturnType<typeof startMcpServer>> | undefined;
  after(async () => server?.stop());

  it("a huge result is cut, a hostile one made printable, and a server that dies mid-call fails the call fast", { timeout: 60_000 }, async () => {
    server = await startMcpServer({ stdio: "ignore", env: { OTEL_TRACES_EXPORTER: "none" } });
    const mcp = await connectMcp(server.url);
    try {
      const huge = boundToolResult(await mcp.client.callTool({ name: "huge_report", arguments: { query: "all" } }));
      assert.equal(huge.originalChars, 3_250_000, "🚨 the huge tool should have sent 3,250,000 characters");
      assert.ok(huge.truncated && huge.text.length <= 2001, `🚨 a huge result was kept at ${huge.text.length} characters (limit 2000)`);

      const hostile = boundToolResult(await mcp.client.callTool({ name: "hostile_note", arguments: { query: "x" } }));
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(hostile.text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, `🚨 control characters reached the result: ${JSON.stringify(hostile.text)}`);
      assert.ok(hostile.escaped, "🚨 the bounded result does not say it escaped control characters");

      const started = Date.now();
      const error = await mcp.client.callTool({ name: "crash_server", arguments: { query: "x" } }, undefined, { timeout: 10_000 }).then(
        () => assert.fail("🚨 a call to a server that died returned a result"),
        (e: unknown) => e,
      );
      const tookMs = Date.now() - started;
      assert.ok(tookMs < 5000, `🚨 the call to a dead server took ${tookMs} ms to fail`);
      const type = mcpErrorType(error);
      assert.match(type, /^[A-Za-z0-9_.-]{1,40}$/, `🚨 error.type for a dead server is not a short code: ${JSON.stringify(type)}`);
      assert.notEqual(type, "timeout", "🚨 a dead server was only noticed by the timeout");
      assert.equal(await server.exited, 70, "🚨 the tool server should have exited with code 70");
    } finally {
      await mcp.close();
    }
  });
});

/**
 * A hostile MCP server, raw HTTP: a valid handshake with a 5,000-character
 * session id, then a JSON-RPC error to every request whose message is 100,000
 * characters with terminal escape sequences and a bidi override, and a
 * megabyte in `data`.
 */
async function listenHostile(): Promise<{ url: string; close(): Promise<void> }> {
  const evil = `\u001b]0;pwned\u0007\u001b[2J\u202e${"A".repeat(100_000)}`;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk));
    req.on("end", () => {
      const message = JSON.parse(body || "{}") as { id?: number; method?: string };
      const headers = { "content-type": "application/json", "mcp-session-id": "s".repeat(5000) };
      if (message.id === undefined) return void res.writeHead(202, headers).end();
      const answer =
        message.method === "initialize"
          ? { result: { protocolVersion: "2025-06-18", capabilities: { tools: {} }, serverInfo: { name: "hostile", version: "1" } } }
          : { error: { code: -32603, message: evil, data: "d".repeat(1_000_000) } };
      res.writeHead(200, headers).end(JSON.stringify({ jsonrpc: "2.0", id: message.id, ...answer }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe("what a hostile server says is bounded before it reaches a span", () => {
  it("a JSON-RPC error message of 100,000 characters with escape sequences reaches the span's status and exception event bounded and printable; the session id is bounded", async () => {
    const server = await listenHostile();
    const mcp = await connectMcp(server.url);
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    try {
      assert.ok((mcp.sessionId?.length ?? 0) <= 200, `🚨 mcp.session.id from the server's header kept ${mcp.sessionId?.length} characters: bound it before it becomes an attribute`);
      const error = await mcp.client.callTool({ name: "lookup_weather", arguments: { query: "x" } }).then(
        () => assert.fail("🚨 the hostile server's error became a result"),
        (e: unknown) => e,
      );
      assert.equal(mcpErrorType(error), "-32603", "🚨 error.type should still be the JSON-RPC code");
      assert.equal(jsonRpcErrorCode(error), "-32603", "🚨 rpc.response.status_code should still be the JSON-RPC code");
      const span = provider.getTracer("test").startSpan("tools/call lookup_weather");
      recordSpanError(span, error);
      span.end();
      const [finished] = exporter.getFinishedSpans();
      const texts = [finished!.status.message ?? "", ...finished!.events.flatMap((event) => Object.values(event.attributes ?? {}).map(String))];
      for (const text of texts) {
        // eslint-disable-next-line no-control-regex
        assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, `🚨 a control character from the server reached the span: ${JSON.stringify(text.slice(0, 120))}`);
        assert.ok(text.length <= 4000, `🚨 ${text.length} characters from the server reached the span (status message or exception event): bound them`);
      }
      assert.equal((error as { data?: unknown }).data, undefined, "🚨 the server's error data (a megabyte) is kept on the error");
    } finally {
      await mcp.close();
      await server.close();
      await provider.shutdown();
    }
  });
});

describe("the tool server process exports its spans", () => {
  it("over OTLP, as service mcp-tools-server, and flushes them when stopped", { timeout: 60_000 }, async () => {
    const receiver = await startOtlpReceiver();
    const server = await startMcpServer({
      stdio: "ignore",
      env: { OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: "60000" },
    });
    try {
      const mcp = await connectMcp(server.url);
      await mcp.client.callTool({ name: "lookup_weather", arguments: { query: "Paris" } });
      await mcp.close();
    } finally {
      await server.stop(); // the batch waits 60 s: only the flush on SIGTERM can deliver it
    }
    await settle(() => receivedSpans(receiver).length, 1);
    const spans = receivedSpans(receiver);
    await receiver.close();
    const work = spans.find((span) => span.name === "weather.lookup");
    assert.ok(work, `🚨 the tool's own span did not arrive; got ${JSON.stringify(spans.map((s) => s.name))}`);
    assert.equal(work.resource["service.name"], "mcp-tools-server", "🚨 the tool server's spans carry the wrong service.name");
  });
});
