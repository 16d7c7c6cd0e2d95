/**
 * A Zipkin stand-in that checks every POSTed span against the Zipkin v2 API,
 * as strictly as Zipkin itself: one bad span and the whole batch is answered
 * 400, which is what a learner pointing at a real Zipkin would get.
 *
 * API: https://zipkin.io/zipkin-api/#/default/post_spans
 *   POST /api/v2/spans, a JSON array → 202 Accepted
 *   traceId: 16 or 32 lowercase hex; id, parentId: 16 lowercase hex
 *   kind: CLIENT | SERVER | PRODUCER | CONSUMER, or absent (internal)
 *   timestamp, duration: integer epoch microseconds
 *   localEndpoint.serviceName; tags: string → string; annotations: { timestamp, value }
 */
import { startHttpReceiver, type Fault, type HttpReceiver } from "./http-receiver.ts";
import type { WireKind, WireSpan } from "./wire-span.ts";

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: "CLIENT" | "SERVER" | "PRODUCER" | "CONSUMER";
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
  annotations?: { timestamp: number; value: string }[];
}

export interface ZipkinReceiver extends HttpReceiver {
  /** POST target, as OTEL_EXPORTER_ZIPKIN_ENDPOINT. */
  readonly endpoint: string;
  /** Spans accepted so far, as received. */
  readonly received: ZipkinSpan[];
  /** Accepted spans in the common shape. */
  spans(): WireSpan[];
  /** Why each rejected batch was rejected (the 400 body). */
  readonly rejections: string[];
}

const HEX16 = /^[0-9a-f]{16}$/;
const TRACE_ID = /^([0-9a-f]{16}|[0-9a-f]{32})$/;
const KINDS = ["CLIENT", "SERVER", "PRODUCER", "CONSUMER"];

/** Every way `body` breaks the v2 API; empty when Zipkin would accept it. */
export function zipkinV2Problems(body: unknown): string[] {
  if (!Array.isArray(body)) return ["body is not a JSON array of spans"];
  return body.flatMap((span: unknown, i) => spanProblems(span).map((problem) => `span[${i}]: ${problem}`));
}

function spanProblems(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return ["not an object"];
  const span = value as Record<string, unknown>;
  const problems: string[] = [];
  const microseconds = (field: string, v: unknown) => {
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) {
      problems.push(`${field} ${JSON.stringify(v)} is not an integer number of microseconds`);
    }
  };
  if (typeof span.traceId !== "string" || !TRACE_ID.test(span.traceId)) problems.push(`traceId ${JSON.stringify(span.traceId)} is not 16 or 32 lowercase hex`);
  if (typeof span.id !== "string" || !HEX16.test(span.id)) problems.push(`id ${JSON.stringify(span.id)} is not 16 lowercase hex`);
  if (span.parentId !== undefined && (typeof span.parentId !== "string" || !HEX16.test(span.parentId))) problems.push(`parentId ${JSON.stringify(span.parentId)} is not 16 lowercase hex`);
  if (span.kind !== undefined && !KINDS.includes(span.kind as string)) problems.push(`kind ${JSON.stringify(span.kind)} is not one of ${KINDS.join(", ")}`);
  if (span.name !== undefined && typeof span.name !== "string") problems.push("name is not a string");
  microseconds("timestamp", span.timestamp);
  microseconds("duration", span.duration);
  const endpoint = span.localEndpoint as { serviceName?: unknown } | undefined;
  if (typeof endpoint?.serviceName !== "string" || endpoint.serviceName === "") problems.push("localEndpoint.serviceName is missing");
  if (span.tags !== undefined) {
    if (typeof span.tags !== "object" || span.tags === null || Array.isArray(span.tags)) problems.push("tags is not an object");
    else for (const [key, v] of Object.entries(span.tags)) if (typeof v !== "string") problems.push(`tag ${key} is ${typeof v}, not a string`);
  }
  if (span.annotations !== undefined) {
    if (!Array.isArray(span.annotations)) problems.push("annotations is not an array");
    else
      for (const annotation of span.annotations as { timestamp?: unknown; value?: unknown }[]) {
        microseconds("annotation timestamp", annotation.timestamp);
        if (typeof annotation.value !== "string") problems.push("annotation value is not a string");
      }
  }
  return problems;
}

export function zipkinToWire(span: ZipkinSpan): WireSpan {
  const tags = span.tags ?? {};
  return {
    traceId: span.traceId,
    spanId: span.id,
    parentId: span.parentId,
    name: span.name ?? "",
    kind: (span.kind ?? "INTERNAL") as WireKind,
    serviceName: span.localEndpoint?.serviceName ?? "",
    startMicros: span.timestamp ?? 0,
    durationMicros: span.duration ?? 0,
    tags,
    events: (span.annotations ?? []).map((annotation) => annotation.value.replace(/:.*$/s, "")),
    // The exporter writes the span status into the otel.status_code tag.
    status: (tags["otel.status_code"] as WireSpan["status"] | undefined) ?? "UNSET",
  };
}

export async function startZipkinReceiver(fault?: Fault): Promise<ZipkinReceiver> {
  const received: ZipkinSpan[] = [];
  const rejections: string[] = [];
  const http = await startHttpReceiver((request, body) => {
    if (request.method !== "POST" || request.url !== "/api/v2/spans") return { status: 404, body: "POST /api/v2/spans" };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      rejections.push("body is not JSON");
      return { status: 400, body: "Malformed reading List<Span> from json" };
    }
    const problems = zipkinV2Problems(parsed);
    if (problems.length > 0) {
      rejections.push(problems.join("; "));
      return { status: 400, body: problems.join("\n") };
    }
    received.push(...(parsed as ZipkinSpan[]));
    return { status: 202 };
  }, fault);
  return Object.assign(http, {
    endpoint: `${http.origin}/api/v2/spans`,
    received,
    rejections,
    spans: () => received.map(zipkinToWire),
  });
}
