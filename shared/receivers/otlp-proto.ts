/**
 * OTLP protobuf decoding for the test receiver, with a real protobuf
 * implementation (protobufjs 7) and the real OTLP definitions: the .proto
 * files under ./proto are copied unchanged from open-telemetry/opentelemetry-proto
 * at tag v1.11.0 (Apache-2.0, LICENSE beside them). No hand parsing.
 *
 * The decoded message is turned into the OTLP/JSON shape (the protobuf JSON
 * mapping the OTLP spec prescribes: camelCase fields, 64-bit integers as
 * strings, trace and span ids as lowercase hex instead of base64), so one
 * decoder downstream reads both encodings.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

export type Signal = "traces" | "metrics" | "logs";

const PROTO_ROOT = fileURLToPath(new URL("./proto/", import.meta.url));
const SERVICES: Record<Signal, { file: string; type: string }> = {
  traces: { file: "opentelemetry/proto/collector/trace/v1/trace_service.proto", type: "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest" },
  metrics: { file: "opentelemetry/proto/collector/metrics/v1/metrics_service.proto", type: "opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest" },
  logs: { file: "opentelemetry/proto/collector/logs/v1/logs_service.proto", type: "opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest" },
};

let root: protobuf.Root | undefined;
function loadRoot(): protobuf.Root {
  if (root) return root;
  const loaded = new protobuf.Root();
  // Imports are written relative to the repository root ("opentelemetry/proto/...").
  loaded.resolvePath = (_origin, target) => PROTO_ROOT + target;
  loaded.loadSync(Object.values(SERVICES).map((service) => service.file));
  return (root = loaded);
}

/** Fields the OTLP JSON mapping writes as hex, not base64. */
const ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToHex);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = ID_FIELDS.has(key) && typeof field === "string" ? Buffer.from(field, "base64").toString("hex") : idsToHex(field);
  }
  return out;
}

/** Decodes an Export*ServiceRequest body; throws on bytes that are not one. */
export function decodeOtlpProtobuf(signal: Signal, body: Buffer): unknown {
  const type = loadRoot().lookupType(SERVICES[signal].type);
  const message = type.decode(body);
  return idsToHex(type.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false }));
}

/** Encodes a request in OTLP/JSON shape as protobuf: lets the receiver's own tests feed it known bytes. */
export function encodeOtlpProtobuf(signal: Signal, request: object): Buffer {
  const type = loadRoot().lookupType(SERVICES[signal].type);
  const hexToBase64 = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(hexToBase64);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, ID_FIELDS.has(key) && typeof field === "string" ? Buffer.from(field, "hex").toString("base64") : hexToBase64(field)]),
    );
  };
  return Buffer.from(type.encode(type.fromObject(hexToBase64(request) as Record<string, unknown>)).finish());
}
