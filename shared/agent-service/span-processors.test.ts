// spanProcessorsFromEnv(): the tree plus what OTEL_TRACES_EXPORTER names, OTLP in the protocol asked for.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { startOtlpReceiver, type OtlpReceiver } from "../receivers/index.ts";
import { spanProcessorsFromEnv, TraceExporterConfigError } from "./span-processors.ts";

const receivers: OtlpReceiver[] = [];
after(() => Promise.all(receivers.map((receiver) => receiver.close())));

/** Sends one span through the processors built from `env` and returns what the receiver saw. */
async function exportOne(env: Record<string, string>) {
  const receiver = await startOtlpReceiver();
  receivers.push(receiver);
  // The OTLP exporters read their OTEL_EXPORTER_OTLP_* settings from process.env themselves.
  const all = { OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.endpoint, ...env };
  const saved = { ...process.env };
  Object.assign(process.env, all);
  let provider: BasicTracerProvider;
  try {
    provider = new BasicTracerProvider({ spanProcessors: spanProcessorsFromEnv(all) });
  } finally {
    process.env = saved;
  }
  provider.getTracer("test").startSpan("one").end();
  // The receiver decodes JSON only and answers protobuf with 415; what matters here is what was sent.
  await provider.shutdown().catch(() => {});
  return receiver;
}

describe("spanProcessorsFromEnv", () => {
  it("defaults to the terminal tree alone", () => {
    assert.equal(spanProcessorsFromEnv({}).length, 1);
    assert.equal(spanProcessorsFromEnv({ OTEL_TRACES_EXPORTER: "none" }).length, 0);
    assert.equal(spanProcessorsFromEnv({ OTEL_TRACES_EXPORTER: "tree,console" }).length, 2);
  });

  it("adds the span dump when WORKBOOK_TRACE_FILE is set", () => {
    assert.equal(spanProcessorsFromEnv({ OTEL_TRACES_EXPORTER: "none", WORKBOOK_TRACE_FILE: "/tmp/x.jsonl" }).length, 1);
  });

  it("otlp speaks http/protobuf by default (the spec's default), http/json when asked", async () => {
    assert.deepEqual((await exportOne({})).contentTypes, ["application/x-protobuf"]);
    const json = await exportOne({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
    assert.deepEqual(json.contentTypes, ["application/json"]);
    assert.equal(json.spans()[0]?.name, "one");
    const perSignal = await exportOne({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" });
    assert.deepEqual(perSignal.contentTypes, ["application/json"], "🚨 the per-signal protocol variable wins over the general one");
  });

  it("names a bad value and the ones that work", () => {
    assert.throws(() => spanProcessorsFromEnv({ OTEL_TRACES_EXPORTER: "jaegr" }), (error: Error) => error instanceof TraceExporterConfigError && /"jaegr".*tree, otlp/.test(error.message));
    assert.throws(() => spanProcessorsFromEnv({ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "carrier-pigeon" }), /http\/protobuf, http\/json or grpc/);
  });
});
