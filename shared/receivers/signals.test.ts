/**
 * All three signals over OTLP/HTTP, in both encodings, checked at the wire:
 * the kit's setupTelemetry with OTEL_{TRACES,METRICS,LOGS}_EXPORTER=otlp
 * against the workbook's OTLP receiver, which decodes JSON with JSON.parse and
 * protobuf with protobufjs and the opentelemetry-proto v1.11.0 definitions.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { metrics } from "@opentelemetry/api";
import { logs, SeverityNumber } from "@opentelemetry/api-logs";
import { setupTelemetry } from "../telemetry/index.ts";
import { decodeOtlpProtobuf, encodeOtlpProtobuf, startOtlpReceiver, type OtlpReceiver } from "./index.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function receiver(): Promise<OtlpReceiver> {
  const otlp = await startOtlpReceiver();
  closers.push(() => otlp.close());
  return otlp;
}

/** One traced chat turn: a span, a token counter inside it, a log record inside it. */
async function oneTurn(env: Record<string, string>, sdkMetrics = true): Promise<{ lines: string[]; traceId: string; spanId: string }> {
  const lines: string[] = [];
  const telemetry = setupTelemetry({ serviceName: "signals", sdkMetrics, warn: (line) => lines.push(line), env });
  let ids = { traceId: "", spanId: "" };
  telemetry.tracer("wire").startActiveSpan("chat gpt-test", (span) => {
    ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
    metrics.getMeter("wire").createHistogram("gen_ai.client.token.usage", { unit: "{token}" }).record(42, { "gen_ai.token.type": "input" });
    logs.getLogger("wire").emit({ body: "model answered", severityNumber: SeverityNumber.INFO, severityText: "INFO" });
    span.end();
  });
  await telemetry.shutdown();
  return { lines, ...ids };
}

for (const [protocol, encoding, contentType] of [
  ["http/json", "json", "application/json"],
  ["http/protobuf", "protobuf", "application/x-protobuf"],
] as const) {
  describe(`three signals over OTLP, ${protocol}`, () => {
    it("traces, metrics (gen_ai.* and otel.sdk.*) and log records carrying the span's ids arrive", async () => {
      const otlp = await receiver();
      const { lines, traceId, spanId } = await oneTurn({
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_METRICS_EXPORTER: "otlp",
        OTEL_LOGS_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.baseEndpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      });
      assert.deepEqual(lines, [], "nothing lost, nothing to say");
      assert.deepEqual(new Set(otlp.deliveries.map((d) => d.signal)), new Set(["traces", "metrics", "logs"]));
      for (const delivery of otlp.deliveries) {
        assert.equal(delivery.encoding, encoding, `${delivery.signal} came as ${delivery.contentType}`);
        assert.ok(delivery.contentType.startsWith(contentType));
      }
      assert.deepEqual(otlp.spans().map((s) => [s.name, s.traceId, s.spanId]), [["chat gpt-test", traceId, spanId]]);
      const [record, ...more] = otlp.logRecords();
      assert.equal(more.length, 0);
      assert.equal(record?.body, "model answered");
      assert.equal(record?.severityText, "INFO");
      assert.equal(record?.traceId, traceId, "the log record carries the active span's trace id");
      assert.equal(record?.spanId, spanId);
      assert.equal(record?.serviceName, "signals");
      const points = otlp.dataPoints();
      const tokens = points.filter((p) => p.metric === "gen_ai.client.token.usage");
      assert.deepEqual(tokens.map((p) => [p.type, p.temporality, p.value, p.attributes["gen_ai.token.type"]]), [["histogram", "CUMULATIVE", 1, "input"]]);
      const started = points.find((p) => p.metric === "otel.sdk.span.started");
      assert.equal(started?.value, 1, "the SDK counted the one span it started");
      assert.equal(started?.attributes["otel.span.sampling_result"], "RECORD_AND_SAMPLE");
      const processed = points.filter((p) => p.metric === "otel.sdk.processor.span.processed");
      assert.equal(processed.reduce((sum, p) => sum + p.value, 0), 1, "the batch processor reports one span processed");
      assert.ok(points.some((p) => p.metric === "otel.sdk.exporter.span.exported"), "the OTLP span exporter reports its results");
      assert.ok(points.some((p) => p.metric === "otel.sdk.log.created"), "the logger provider counts records created");
    });
  });
}

describe("metrics and logs: the variables", () => {
  it("per-signal endpoints, headers, delta temporality", async () => {
    const otlp = await receiver();
    const { lines } = await oneTurn(
      {
        OTEL_TRACES_EXPORTER: "none",
        OTEL_METRICS_EXPORTER: "otlp",
        OTEL_LOGS_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:1", // overridden by the per-signal ones
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${otlp.origin}/v1/metrics`,
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${otlp.origin}/v1/logs`,
        OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=agents%20team",
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: "delta",
      },
      false,
    );
    assert.deepEqual(lines, []);
    assert.deepEqual(new Set(otlp.deliveries.map((d) => d.signal)), new Set(["metrics", "logs"]));
    assert.ok(otlp.headers.every((h) => h["x-tenant"] === "agents team"), "OTEL_EXPORTER_OTLP_HEADERS reach every request, percent-decoded");
    const tokens = otlp.dataPoints().filter((p) => p.metric === "gen_ai.client.token.usage");
    assert.equal(tokens[0]?.temporality, "DELTA");
    assert.ok(!otlp.dataPoints().some((p) => p.metric.startsWith("otel.sdk.")), "no SDK metrics unless asked for");
  });

  it("OTEL_METRIC_EXPORT_INTERVAL: metrics go out during the run, not only at shutdown", async () => {
    const otlp = await receiver();
    const telemetry = setupTelemetry({
      serviceName: "interval",
      warn: () => {},
      env: { OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: otlp.origin, OTEL_METRIC_EXPORT_INTERVAL: "200" },
    });
    try {
      metrics.getMeter("m").createCounter("app.ticks").add(1);
      await new Promise((resolve) => setTimeout(resolve, 900));
      const during = otlp.deliveries.filter((d) => d.signal === "metrics").length;
      assert.ok(during >= 2, `🚨 ${during} metric exports in 900 ms with a 200 ms interval`);
    } finally {
      await telemetry.shutdown();
    }
  });

  it("a receiver that is down: each signal reports its own loss", async () => {
    const otlp = await receiver();
    await otlp.close();
    const { lines } = await oneTurn({ OTEL_TRACES_EXPORTER: "otlp", OTEL_METRICS_EXPORTER: "otlp", OTEL_LOGS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: otlp.origin });
    assert.ok(lines.some((l) => /otlp: 1 of 1 spans not delivered.*connection refused/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /otlp logs: 1 of 1 log records not delivered.*connection refused/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => /otlp metrics: \d+ of \d+ metric data points not delivered.*(connection refused|timed out)/.test(l)), lines.join("\n"));
  });
});

describe("shutdown stays bounded with all three signals", () => {
  it("a receiver that accepts and never answers: shutdown resolves within its bound and names every signal's loss", async () => {
    const otlp = await startOtlpReceiver({ hang: true });
    closers.push(() => otlp.close());
    const lines: string[] = [];
    const telemetry = setupTelemetry({
      serviceName: "hung",
      shutdownTimeoutMs: 1500,
      warn: (line) => lines.push(line),
      env: { OTEL_TRACES_EXPORTER: "otlp", OTEL_METRICS_EXPORTER: "otlp", OTEL_LOGS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: otlp.origin },
    });
    telemetry.tracer().startActiveSpan("work", (span) => {
      metrics.getMeter("m").createCounter("app.work").add(1);
      logs.getLogger("l").emit({ body: "working" });
      span.end();
    });
    const started = performance.now();
    await telemetry.shutdown();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2500, `🚨 shutdown took ${Math.round(elapsed)} ms with a 1500 ms bound`);
    for (const [backend, unit] of [["otlp", "spans"], ["otlp logs", "log records"], ["otlp metrics", "metric data points"]]) {
      assert.ok(lines.some((line) => line.startsWith(`⚠ ${backend}: `) && line.includes(`${unit} not delivered`)), `🚨 no loss line for ${backend}:\n${lines.join("\n")}`);
    }
  });
});

describe("the OTLP receiver itself", () => {
  it("round-trips a protobuf request with ids as hex and 64-bit times exact", () => {
    const request = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: "1764590000123456789", traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", body: { stringValue: "hi" } }] }] }] };
    assert.deepEqual(decodeOtlpProtobuf("logs", encodeOtlpProtobuf("logs", request)), request);
  });

  it("answers 415 to an encoding OTLP/HTTP does not have, and 400 to bytes that are no OTLP message", async () => {
    const otlp = await receiver();
    const post = (path: string, type: string, body: string | Blob) => fetch(`${otlp.origin}${path}`, { method: "POST", headers: { "content-type": type }, body });
    assert.equal((await post("/v1/logs", "text/plain", "hello")).status, 415);
    assert.equal((await post("/v1/metrics", "application/x-protobuf", new Blob([new Uint8Array([0x0a, 0xff, 0xff])]))).status, 400);
    assert.equal((await post("/v1/traces", "application/json", "{not json")).status, 400);
    assert.equal(otlp.deliveries.length, 0);
  });
});
