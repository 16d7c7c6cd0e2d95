/**
 * An OTLP/HTTP stand-in: POST /v1/traces, what Jaeger v2 and every
 * OpenTelemetry Collector accept on port 4318.
 *
 * `@opentelemetry/exporter-trace-otlp-http` sends the OTLP JSON encoding
 * (Content-Type application/json, ids as hex strings, times as nanosecond
 * strings), so that is what this receiver decodes. The protobuf encoding
 * (application/x-protobuf) comes from `@opentelemetry/exporter-trace-otlp-proto`,
 * which the workbook does not use; it is answered 415, as a JSON-only
 * endpoint would.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#otlphttp
 */
import { startHttpReceiver, type Fault, type HttpReceiver } from "./http-receiver.ts";
import type { WireKind, WireSpan } from "./wire-span.ts";

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  events?: { name: string }[];
  status?: { code?: number };
}
export interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

// OTLP's SpanKind enum: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
const KINDS: WireKind[] = ["INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
const STATUS = ["UNSET", "OK", "ERROR"] as const;

function text(value: AnyValue): string {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.arrayValue) return JSON.stringify((value.arrayValue.values ?? []).map(text));
  return "";
}

const attributes = (list: KeyValue[] = []) => Object.fromEntries(list.map(({ key, value }) => [key, text(value)]));
// Nanosecond times exceed 2^53: BigInt keeps them exact before we divide.
const micros = (nanos: string | number) => Number(BigInt(nanos) / 1000n);

export function otlpToWire(request: OtlpRequest): WireSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const serviceName = attributes(resourceSpans.resource?.attributes)["service.name"] ?? "";
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentId: span.parentSpanId || undefined,
        name: span.name,
        kind: KINDS[span.kind] ?? "INTERNAL",
        serviceName,
        startMicros: micros(span.startTimeUnixNano),
        durationMicros: micros(span.endTimeUnixNano) - micros(span.startTimeUnixNano),
        tags: attributes(span.attributes),
        events: (span.events ?? []).map((event) => event.name),
        status: STATUS[span.status?.code ?? 0] ?? "UNSET",
      })),
    );
  });
}

export interface OtlpReceiver extends HttpReceiver {
  /** As OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  readonly endpoint: string;
  readonly requests: OtlpRequest[];
  readonly contentTypes: string[];
  spans(): WireSpan[];
}

export async function startOtlpReceiver(fault?: Fault): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const contentTypes: string[] = [];
  const http = await startHttpReceiver((request, body) => {
    if (request.method !== "POST" || request.url !== "/v1/traces") return { status: 404, body: "POST /v1/traces" };
    const type = String(request.headers["content-type"] ?? "");
    contentTypes.push(type);
    if (!type.startsWith("application/json")) return { status: 415, body: "this receiver decodes OTLP/JSON only" };
    try {
      requests.push(JSON.parse(body.toString("utf8")) as OtlpRequest);
    } catch {
      return { status: 400, body: "body is not JSON" };
    }
    // An empty ExportTraceServiceResponse: full success.
    return { status: 200, body: "{}", contentType: "application/json" };
  }, fault);
  return Object.assign(http, {
    endpoint: `${http.origin}/v1/traces`,
    requests,
    contentTypes,
    spans: () => requests.flatMap(otlpToWire),
  });
}
