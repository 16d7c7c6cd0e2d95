/**
 * An OTLP/HTTP stand-in: what Jaeger v2 and every OpenTelemetry Collector
 * accept on port 4318. All three signals (POST /v1/traces, /v1/metrics,
 * /v1/logs) in both encodings of OTLP/HTTP:
 *   - application/json: the exporter-*-otlp-http packages (ids as hex
 *     strings, 64-bit integers as strings);
 *   - application/x-protobuf: the exporter-*-otlp-proto packages, decoded
 *     with protobufjs and the real OTLP .proto files (otlp-proto.ts).
 * Anything else is answered 415, as the spec says a server does with an
 * encoding it does not support.
 * Spec: https://opentelemetry.io/docs/specs/otlp/#otlphttp
 */
import { startHttpReceiver, type Fault, type HttpReceiver } from "./http-receiver.ts";
import { decodeOtlpProtobuf, type Signal } from "./otlp-proto.ts";
import type { WireKind, WireSpan } from "./wire-span.ts";

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface Resource {
  attributes?: KeyValue[];
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
    resource?: Resource;
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

interface OtlpDataPoint {
  attributes?: KeyValue[];
  asInt?: number | string;
  asDouble?: number;
  count?: number | string;
  sum?: number;
  startTimeUnixNano?: string | number;
  timeUnixNano?: string | number;
}
interface OtlpMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints?: OtlpDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  gauge?: { dataPoints?: OtlpDataPoint[] };
  histogram?: { dataPoints?: OtlpDataPoint[]; aggregationTemporality?: number };
  exponentialHistogram?: { dataPoints?: OtlpDataPoint[]; aggregationTemporality?: number };
}
export interface OtlpMetricsRequest {
  resourceMetrics?: { resource?: Resource; scopeMetrics?: { scope?: { name?: string }; metrics?: OtlpMetric[] }[] }[];
}
interface OtlpLogRecord {
  timeUnixNano?: string | number;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
  traceId?: string;
  spanId?: string;
}
export interface OtlpLogsRequest {
  resourceLogs?: { resource?: Resource; scopeLogs?: { scope?: { name?: string }; logRecords?: OtlpLogRecord[] }[] }[];
}

/** A metric stream as a backend received it, one entry per data point. */
export interface WireDataPoint {
  metric: string;
  /** The meter (instrumentation scope) that made it, e.g. "@opentelemetry/sdk-trace". */
  scope: string;
  type: "sum" | "gauge" | "histogram" | "exponentialHistogram";
  /** OTLP AggregationTemporality: "DELTA" or "CUMULATIVE" (gauges have none). */
  temporality?: "DELTA" | "CUMULATIVE";
  serviceName: string;
  resource: Record<string, string>;
  attributes: Record<string, string>;
  /** The value of a sum or gauge; the count of a histogram. */
  value: number;
  startTimeUnixNano?: string;
  timeUnixNano?: string;
}

/** A log record as a backend received it. */
export interface WireLogRecord {
  body: string;
  severityText?: string;
  severityNumber?: number;
  serviceName: string;
  scope: string;
  attributes: Record<string, string>;
  /** Hex, empty when the record was emitted outside any span. */
  traceId: string;
  spanId: string;
}

// OTLP's SpanKind enum: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
const KINDS: WireKind[] = ["INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
const STATUS = ["UNSET", "OK", "ERROR"] as const;
// AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative.
const TEMPORALITY = [undefined, "DELTA", "CUMULATIVE"] as const;

function text(value: AnyValue | undefined): string {
  if (!value) return "";
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.arrayValue) return JSON.stringify((value.arrayValue.values ?? []).map(text));
  if (value.kvlistValue) return JSON.stringify(attributes(value.kvlistValue.values));
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

export function otlpMetricsToWire(request: OtlpMetricsRequest): WireDataPoint[] {
  return (request.resourceMetrics ?? []).flatMap((resourceMetrics) => {
    const resource = attributes(resourceMetrics.resource?.attributes);
    return (resourceMetrics.scopeMetrics ?? []).flatMap((scopeMetrics) =>
      (scopeMetrics.metrics ?? []).flatMap((metric) => {
        const type = (["sum", "gauge", "histogram", "exponentialHistogram"] as const).find((key) => metric[key]);
        if (!type) return [];
        const data = metric[type]!;
        const temporality = "aggregationTemporality" in data ? TEMPORALITY[data.aggregationTemporality ?? 0] : undefined;
        return (data.dataPoints ?? []).map((point) => ({
          metric: metric.name,
          scope: scopeMetrics.scope?.name ?? "",
          type,
          temporality,
          serviceName: resource["service.name"] ?? "",
          resource,
          attributes: attributes(point.attributes),
          value: Number(point.asInt ?? point.asDouble ?? point.count ?? 0),
          startTimeUnixNano: point.startTimeUnixNano === undefined ? undefined : String(point.startTimeUnixNano),
          timeUnixNano: point.timeUnixNano === undefined ? undefined : String(point.timeUnixNano),
        }));
      }),
    );
  });
}

export function otlpLogsToWire(request: OtlpLogsRequest): WireLogRecord[] {
  return (request.resourceLogs ?? []).flatMap((resourceLogs) => {
    const serviceName = attributes(resourceLogs.resource?.attributes)["service.name"] ?? "";
    return (resourceLogs.scopeLogs ?? []).flatMap((scopeLogs) =>
      (scopeLogs.logRecords ?? []).map((record) => ({
        body: text(record.body),
        severityText: record.severityText,
        severityNumber: record.severityNumber,
        serviceName,
        scope: scopeLogs.scope?.name ?? "",
        attributes: attributes(record.attributes),
        traceId: record.traceId ?? "",
        spanId: record.spanId ?? "",
      })),
    );
  });
}

/** One request as received: which signal, which encoding. */
export interface OtlpDelivery {
  signal: Signal;
  encoding: "json" | "protobuf";
  contentType: string;
}

export interface OtlpReceiver extends HttpReceiver {
  /** As OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  readonly endpoint: string;
  /** As OTEL_EXPORTER_OTLP_ENDPOINT: the base the exporters append /v1/<signal> to. */
  readonly baseEndpoint: string;
  /** Decoded trace requests (OTLP/JSON shape whatever the encoding). */
  readonly requests: OtlpRequest[];
  readonly metricRequests: OtlpMetricsRequest[];
  readonly logRequests: OtlpLogsRequest[];
  /** Content-Type of every trace request (kept for the trace-only tests). */
  readonly contentTypes: string[];
  /** Every accepted request, all signals. */
  readonly deliveries: OtlpDelivery[];
  /** Request headers seen, lowercased names (to check OTEL_EXPORTER_OTLP_HEADERS arrived). */
  readonly headers: Record<string, string | string[] | undefined>[];
  spans(): WireSpan[];
  dataPoints(): WireDataPoint[];
  logRecords(): WireLogRecord[];
}

const PATHS: Record<string, Signal> = { "/v1/traces": "traces", "/v1/metrics": "metrics", "/v1/logs": "logs" };

export async function startOtlpReceiver(fault?: Fault): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const metricRequests: OtlpMetricsRequest[] = [];
  const logRequests: OtlpLogsRequest[] = [];
  const contentTypes: string[] = [];
  const deliveries: OtlpDelivery[] = [];
  const headers: OtlpReceiver["headers"] = [];
  const http = await startHttpReceiver((request, body) => {
    const signal = request.method === "POST" ? PATHS[request.url ?? ""] : undefined;
    if (!signal) return { status: 404, body: "POST /v1/traces, /v1/metrics or /v1/logs" };
    const contentType = String(request.headers["content-type"] ?? "");
    if (signal === "traces") contentTypes.push(contentType);
    headers.push({ ...request.headers });
    const encoding = contentType.startsWith("application/json") ? "json" : contentType.startsWith("application/x-protobuf") ? "protobuf" : undefined;
    if (!encoding) return { status: 415, body: "OTLP/HTTP bodies are application/json or application/x-protobuf" };
    let decoded: unknown;
    try {
      decoded = encoding === "json" ? JSON.parse(body.toString("utf8")) : decodeOtlpProtobuf(signal, body);
    } catch {
      return { status: 400, body: `body is not an OTLP ${signal} request in ${encoding}` };
    }
    deliveries.push({ signal, encoding, contentType });
    if (signal === "traces") requests.push(decoded as OtlpRequest);
    if (signal === "metrics") metricRequests.push(decoded as OtlpMetricsRequest);
    if (signal === "logs") logRequests.push(decoded as OtlpLogsRequest);
    // An empty Export*ServiceResponse: full success, in the request's encoding
    // (an empty protobuf message is zero bytes).
    return encoding === "json" ? { status: 200, body: "{}", contentType: "application/json" } : { status: 200, body: "", contentType: "application/x-protobuf" };
  }, fault);
  return Object.assign(http, {
    endpoint: `${http.origin}/v1/traces`,
    baseEndpoint: http.origin,
    requests,
    metricRequests,
    logRequests,
    contentTypes,
    deliveries,
    headers,
    spans: () => requests.flatMap(otlpToWire),
    dataPoints: () => metricRequests.flatMap(otlpMetricsToWire),
    logRecords: () => logRequests.flatMap(otlpLogsToWire),
  });
}
