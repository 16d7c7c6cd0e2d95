/**
 * Lesson 09 tests. `npm run verify -- 09` runs them against your
 * lessons/09-backends.ts; one describe per task in lessons/09-backends.md.
 * The backends are stand-ins on 127.0.0.1 that decode what really goes on
 * the wire (shared/receivers): Zipkin v2 JSON, Jaeger Thrift, OTLP/JSON, and
 * (below) OTLP protobuf.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { loadLesson, RecordingExporter } from "../shared/testing/index.ts";
import { startJaegerCollector, startOtlpReceiver, startZipkinReceiver, type WireSpan } from "../shared/receivers/index.ts";
import { startHttpReceiver } from "../shared/receivers/http-receiver.ts";
import type * as Lesson from "./09-backends.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  diag.disable();
});

/** One span, "lookup_order", exported through `exporter` by a provider of service "orders". */
async function exportOneSpan(exporter: SpanExporter): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "orders" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.getTracer("test").startSpan("lookup_order", { attributes: { "order.id": "A-17" } }).end();
  await provider.shutdown();
}

type ArrivedSpan = Pick<WireSpan, "name" | "serviceName" | "tags">;

function assertArrived(spans: ArrivedSpan[], backend: string): void {
  assert.equal(
    spans.length,
    1,
    `🚨 the ${backend} stand-in received ${spans.length} spans from createExporter("${backend}", endpoint): return the ${backend} exporter, and pass it the endpoint it was given (see the table in Task 1).`,
  );
  assert.equal(spans[0]!.name, "lookup_order", `🚨 the ${backend} backend received a span named "${spans[0]!.name}", not the one that was exported`);
  assert.equal(spans[0]!.serviceName, "orders", `🚨 the ${backend} backend should see service.name from the resource`);
  assert.equal(spans[0]!.tags["order.id"], "A-17", `🚨 the ${backend} backend lost the span's attributes`);
}

/**
 * Just enough of the protobuf wire format to read an OTLP
 * ExportTraceServiceRequest: each field as a list of raw values by number.
 * (opentelemetry-proto: trace/v1/trace.proto, common/v1/common.proto.)
 */
type ProtoFields = Map<number, Array<Buffer | bigint>>;
function decodeProto(buffer: Buffer): ProtoFields {
  const fields: ProtoFields = new Map();
  let position = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[position++];
      if (byte === undefined) throw new Error("truncated varint");
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (position < buffer.length) {
    const tag = Number(varint());
    let value: Buffer | bigint;
    switch (tag & 7) {
      case 0:
        value = varint();
        break;
      case 1:
        value = buffer.readBigUInt64LE(position);
        position += 8;
        break;
      case 2: {
        const length = Number(varint());
        value = buffer.subarray(position, position + length);
        position += length;
        break;
      }
      case 5:
        value = BigInt(buffer.readUInt32LE(position));
        position += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${tag & 7}`);
    }
    fields.set(tag >>> 3, [...(fields.get(tag >>> 3) ?? []), value]);
  }
  return fields;
}
const messages = (fields: ProtoFields, field: number) => (fields.get(field) ?? []).filter((value): value is Buffer => Buffer.isBuffer(value)).map(decodeProto);
const text = (fields: ProtoFields, field: number) => {
  const value = fields.get(field)?.[0];
  return Buffer.isBuffer(value) ? value.toString("utf8") : "";
};
/** KeyValue list (key = 1, value = 2: AnyValue with string_value = 1, int_value = 3) as strings. */
function keyValues(list: ProtoFields[]): Record<string, string> {
  return Object.fromEntries(
    list.map((entry) => {
      const value = messages(entry, 2)[0];
      const asText = value?.has(1) ? text(value, 1) : String(value?.get(3)?.[0] ?? "");
      return [text(entry, 1), asText];
    }),
  );
}
function otlpProtoSpans(body: Buffer): ArrivedSpan[] {
  // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.resource = 1, scope_spans = 2;
  // Resource.attributes = 1; ScopeSpans.spans = 2; Span.name = 5, attributes = 9.
  return messages(decodeProto(body), 1).flatMap((resourceSpans) => {
    const resource = messages(resourceSpans, 1)[0];
    const serviceName = keyValues(resource ? messages(resource, 1) : [])["service.name"] ?? "";
    return messages(resourceSpans, 2).flatMap((scopeSpans) =>
      messages(scopeSpans, 2).map((span) => ({ name: text(span, 5), serviceName, tags: keyValues(messages(span, 9)) })),
    );
  });
}

/** An OTLP/HTTP receiver that takes protobuf only, as a strict http/protobuf endpoint would. */
async function startOtlpProtoReceiver() {
  const spans: ArrivedSpan[] = [];
  const contentTypes: string[] = [];
  const http = await startHttpReceiver((request, body) => {
    if (request.method !== "POST" || request.url !== "/v1/traces") return { status: 404, body: "POST /v1/traces" };
    const type = String(request.headers["content-type"] ?? "");
    contentTypes.push(type);
    if (type !== "application/x-protobuf") return { status: 415, body: "this receiver decodes OTLP protobuf only" };
    spans.push(...otlpProtoSpans(body));
    // An empty ExportTraceServiceResponse: full success.
    return { status: 200, body: "", contentType: "application/x-protobuf" };
  });
  return Object.assign(http, { endpoint: `${http.origin}/v1/traces`, spans, contentTypes });
}

describe("Task 1: an exporter per backend", () => {
  it("zipkin: Zipkin v2 JSON that a real Zipkin accepts", async () => {
    const zipkin = await startZipkinReceiver();
    closers.push(() => zipkin.close());
    await exportOneSpan(lesson.createExporter("zipkin", zipkin.endpoint));
    assert.deepEqual(zipkin.rejections, [], "🚨 the Zipkin stand-in answered 400: what was sent is not Zipkin v2 JSON");
    assertArrived(zipkin.spans(), "zipkin");
  });

  it("jaeger: Thrift over HTTP to the collector", async () => {
    const jaeger = await startJaegerCollector();
    closers.push(() => jaeger.close());
    await exportOneSpan(lesson.createExporter("jaeger", jaeger.endpoint));
    assert.deepEqual(jaeger.rejections, [], "🚨 the Jaeger collector stand-in rejected what was sent: it takes Thrift from the Jaeger exporter");
    assertArrived(jaeger.spans(), "jaeger");
  });

  it("otlp: OTLP over HTTP in protobuf, the spec's default encoding", async () => {
    const otlp = await startOtlpProtoReceiver();
    closers.push(() => otlp.close());
    await exportOneSpan(lesson.createExporter("otlp", otlp.endpoint));
    if (otlp.contentTypes.length > 0) {
      assert.deepEqual(
        otlp.contentTypes,
        ["application/x-protobuf"],
        `🚨 "otlp" sent ${otlp.contentTypes.join(", ")}: the OTLP exporter spec's default protocol (OTEL_EXPORTER_OTLP_PROTOCOL) is http/protobuf, which is its own exporter package (Task 1's table)`,
      );
    }
    assertArrived(otlp.spans, "otlp");
  });

  it("otlp-json: the same protocol in JSON", async () => {
    const otlp = await startOtlpReceiver();
    closers.push(() => otlp.close());
    await exportOneSpan(lesson.createExporter("otlp-json", otlp.endpoint));
    if (otlp.contentTypes.length > 0) {
      assert.deepEqual(
        otlp.contentTypes,
        ["application/json"],
        `🚨 "otlp-json" sent ${otlp.contentTypes.join(", ")}: http/json comes from a different OTLP exporter package than http/protobuf (Task 1's table)`,
      );
    }
    assertArrived(otlp.spans(), "otlp-json");
  });
});

/** A diag logger that keeps "level: message" lines, to read what the SDK said. */
function recordingLogger(): { logger: DiagLogger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, logger: { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug"), verbose: at("verbose") } };
}

/** An exporter that takes spans and never answers: a backend that hangs. */
class NeverAnswers implements SpanExporter {
  calls = 0;
  export(): void {
    this.calls += 1;
  }
  async shutdown(): Promise<void> {}
}

describe("Task 2: batch limits for a short-lived process", () => {
  it("exports within a second of a span ending, without waiting for shutdown", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const exporter = new RecordingExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [lesson.createBatchProcessor(exporter)] });
    provider.getTracer("test").startSpan("work").end();
    assert.equal(exporter.exportCalls, 0, "🚨 the span was exported inside end(): that is a SimpleSpanProcessor's behaviour, not batching");
    t.mock.timers.tick(1000);
    assert.equal(
      exporter.spans.length,
      1,
      "🚨 a second after the span ended it was still queued: the batch processor's scheduled delay is 5 s by default, and this task asks for an export at least every second (the options are in BufferConfig).",
    );
  });

  it("gives up on a backend that never answers after at most 5 s", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const exporter = new NeverAnswers();
    const provider = new BasicTracerProvider({ spanProcessors: [lesson.createBatchProcessor(exporter)] });
    provider.getTracer("test").startSpan("work").end();
    let settled = false;
    void provider.forceFlush().then(
      () => (settled = true),
      () => (settled = true),
    );
    t.mock.timers.tick(5000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(exporter.calls, 1, `🚨 forceFlush() should hand the queued span to the exporter once; it called export() ${exporter.calls} times`);
    assert.ok(settled, "🚨 after 5 s the flush was still waiting on a backend that never answers: the batch processor's export timeout is 30 s by default, and this task asks for at most 5 s (BufferConfig).");
  });

  it("keeps the queue bounded while the backend hangs: spans past the bound are dropped, not kept", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { logger, lines } = recordingLogger();
    diag.setLogger(logger, { logLevel: DiagLogLevel.DEBUG, suppressOverrideMessage: true });
    const provider = new BasicTracerProvider({ spanProcessors: [lesson.createBatchProcessor(new NeverAnswers())] });
    const tracer = provider.getTracer("test");
    for (let i = 0; i < 10_000; i++) tracer.startSpan("work").end();
    assert.ok(
      lines.some((line) => line.includes("maxQueueSize reached")),
      "🚨 10 000 spans piled up behind a backend that never answers and none was dropped: the queue is the memory bound, so keep the processor's maximum queue size bounded (2048 is the SDK default).",
    );
  });
});

/** An exporter that fails every export, like one whose backend is down. */
class FailingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    resultCallback({ code: ExportResultCode.FAILED, error: new Error("connect ECONNREFUSED 127.0.0.1:9411") });
  }
  async shutdown(): Promise<void> {}
}

describe("Task 3: count what was not delivered", () => {
  it("counts the spans of failed exports, with the reason", async () => {
    const counting = new lesson.CountingExporter(new FailingExporter());
    const results: ExportResult[] = [];
    counting.export([{} as ReadableSpan, {} as ReadableSpan], (result) => results.push(result));
    assert.equal(
      results.length,
      1,
      `🚨 the caller's resultCallback was called ${results.length} times: the batch processor waits for it, so call it exactly once per export`,
    );
    assert.equal(
      results[0]!.code,
      ExportResultCode.FAILED,
      "🚨 the export failed but the caller was told SUCCESS: a swallowed failure. Pass the inner exporter's result on unchanged, so the processor (and its error handler) still sees it",
    );
    assert.equal(counting.lost, 2, `🚨 an export of 2 spans failed and lost is ${counting.lost}: count every span of an export whose result code is not ExportResultCode.SUCCESS`);
    assert.ok(
      [...counting.reasons].some((reason) => reason.includes("ECONNREFUSED")),
      `🚨 the failure's reason is missing from reasons (${JSON.stringify([...counting.reasons])}): keep the message of the result's error`,
    );
  });

  it("counts spans refused by a real backend that answers 503, and none when it works", async () => {
    const zipkin = await startZipkinReceiver({ status: 503 });
    closers.push(() => zipkin.close());
    const { ZipkinExporter } = await import("@opentelemetry/exporter-zipkin");
    const failing = new lesson.CountingExporter(new ZipkinExporter({ url: zipkin.endpoint }));
    await exportOneSpan(failing);
    assert.equal(failing.lost, 1, `🚨 the backend answered 503 to one span and lost is ${failing.lost}`);
    assert.match(failing.summary(), /1 spans not delivered: .*503/, `🚨 summary() says "${failing.summary()}": the 503 should be among the reasons`);

    zipkin.setFault({});
    const working = new lesson.CountingExporter(new ZipkinExporter({ url: zipkin.endpoint }));
    await exportOneSpan(working);
    assert.equal(working.lost, 0, "🚨 a successful export is not a loss");
    assert.equal(zipkin.received.length, 1, "🚨 the wrapper must still export through the exporter it wraps");
  });
});

describe("Task 4: the diag logger", () => {
  it("at debug, shows what the exporter does and what the backend answered", async () => {
    const zipkin = await startZipkinReceiver({ status: 503 });
    closers.push(() => zipkin.close());
    const { logger, lines } = recordingLogger();
    lesson.enableDiagnostics("debug", logger);
    const { ZipkinExporter } = await import("@opentelemetry/exporter-zipkin");
    await exportOneSpan(new ZipkinExporter({ url: zipkin.endpoint }));
    assert.ok(
      lines.some((line) => /debug: Zipkin response status code: 503/.test(line)),
      `🚨 the Zipkin exporter's debug message about the 503 did not reach the logger: register it as the diag logger (diag from @opentelemetry/api) at the level asked for. Got: ${lines.slice(0, 3).join(" | ") || "nothing"}`,
    );
  });

  it("at warn, keeps warnings and drops debug chatter", () => {
    const { logger, lines } = recordingLogger();
    lesson.enableDiagnostics("warn", logger);
    diag.debug("chatter");
    diag.warn("Dropped 3 spans because maxQueueSize reached");
    assert.deepEqual(lines, ["warn: Dropped 3 spans because maxQueueSize reached"], `🚨 at "warn" the logger should get warnings and no debug chatter; it got ${JSON.stringify(lines)}`);
  });

  it("maps every level to its DiagLogLevel: that level and louder shown, chattier hidden", () => {
    const expected = {
      error: ["error"],
      warn: ["warn", "error"],
      info: ["info", "warn", "error"],
      debug: ["debug", "info", "warn", "error"],
    } as const;
    for (const [level, shown] of Object.entries(expected) as Array<[keyof typeof expected, readonly string[]]>) {
      const { logger, lines } = recordingLogger();
      lesson.enableDiagnostics(level, logger);
      diag.verbose("probe");
      diag.debug("probe");
      diag.info("probe");
      diag.warn("probe");
      diag.error("probe");
      // Only the probes: registering a logger at debug also logs that registration.
      const levelsSeen = lines.filter((line) => line.endsWith(": probe")).map((line) => line.split(":")[0]);
      assert.deepEqual(
        levelsSeen,
        shown,
        `🚨 enableDiagnostics("${level}") let through ${JSON.stringify(levelsSeen)}, not ${JSON.stringify(shown)}: each level name has its own DiagLogLevel`,
      );
    }
  });
});
