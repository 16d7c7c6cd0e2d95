/**
 * Jaeger stand-ins that decode what the Jaeger exporter really sends, with
 * the Thrift IDL that ships inside the `jaeger-client` package and the
 * `thriftrw` library the exporter itself uses:
 *   - the collector: POST /api/traces, body a Thrift binary `Batch`
 *     (Content-Type application/x-thrift) → 202;
 *   - the agent: UDP datagrams, each a Thrift binary `Agent.emitBatch`
 *     call (what the exporter sends to port 6832 when no endpoint is set).
 * IDL: https://github.com/jaegertracing/jaeger-idl/blob/main/thrift/jaeger.thrift
 */
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { startHttpReceiver, type Fault, type HttpReceiver } from "./http-receiver.ts";
import type { WireKind, WireSpan } from "./wire-span.ts";

const require = createRequire(import.meta.url);

// thriftrw has no type declarations; these are the few shapes we read.
interface ThriftTag {
  key: string;
  vType: string;
  vStr?: string | null;
  vDouble?: number | null;
  vBool?: boolean | null;
  vLong?: Buffer | null;
  vBinary?: Buffer | null;
}
export interface ThriftSpan {
  traceIdLow: Buffer;
  traceIdHigh: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer;
  operationName: string;
  flags: number;
  startTime: Buffer;
  duration: Buffer;
  tags?: ThriftTag[] | null;
  logs?: { timestamp: Buffer; fields: ThriftTag[] }[] | null;
}
export interface ThriftBatch {
  process: { serviceName: string; tags?: ThriftTag[] | null };
  spans: ThriftSpan[];
}
interface ReadResult<T> {
  err: Error | null;
  value: T;
}
interface Rw<T> {
  readFrom(buffer: Buffer, offset: number): ReadResult<T>;
}
interface ThriftModule {
  Thrift: new (options: Record<string, unknown>) => {
    Batch: { rw: Rw<ThriftBatch> };
    Agent: { emitBatch: { argumentsMessageRW: Rw<{ body: { batch: ThriftBatch } }> } };
  };
}

const { Thrift } = require("thriftrw") as ThriftModule;
const jaegerIdl = new Thrift({
  source: readFileSync(require.resolve("jaeger-client/dist/src/jaeger-idl/thrift/jaeger.thrift"), "utf8"),
  allowOptionalArguments: true,
});
const agentIdl = new Thrift({
  entryPoint: require.resolve("jaeger-client/dist/src/thriftrw-idl/agent.thrift"),
  allowOptionalArguments: true,
  allowFilesystemAccess: true,
});

export function decodeBatch(body: Buffer): ThriftBatch {
  const { err, value } = jaegerIdl.Batch.rw.readFrom(body, 0);
  if (err) throw err;
  return value;
}

export function decodeEmitBatch(datagram: Buffer): ThriftBatch {
  const { err, value } = agentIdl.Agent.emitBatch.argumentsMessageRW.readFrom(datagram, 0);
  if (err) throw err;
  return value.body.batch;
}

const hex = (buffer: Buffer) => buffer.toString("hex");
const int64 = (buffer: Buffer) => Number(buffer.readBigInt64BE(0));

function tagValue(tag: ThriftTag): string {
  switch (tag.vType) {
    case "STRING":
      return tag.vStr ?? "";
    case "DOUBLE":
      return String(tag.vDouble);
    case "BOOL":
      return String(tag.vBool);
    case "LONG":
      return tag.vLong ? String(int64(tag.vLong)) : "";
    default:
      return tag.vBinary ? hex(tag.vBinary) : "";
  }
}

export function jaegerToWire(span: ThriftSpan, process: ThriftBatch["process"]): WireSpan {
  const tags = Object.fromEntries((span.tags ?? []).map((tag) => [tag.key, tagValue(tag)]));
  const parent = hex(span.parentSpanId);
  return {
    // A 128-bit OpenTelemetry trace id travels as two 64-bit halves.
    traceId: hex(span.traceIdHigh) + hex(span.traceIdLow),
    spanId: hex(span.spanId),
    parentId: /^0+$/.test(parent) ? undefined : parent,
    name: span.operationName,
    kind: ((tags["span.kind"] ?? "internal").toUpperCase() as WireKind),
    serviceName: process.serviceName,
    startMicros: int64(span.startTime),
    durationMicros: int64(span.duration),
    tags,
    events: (span.logs ?? []).map((log) => log.fields.find((field) => field.key === "event")?.vStr ?? ""),
    status: (tags["otel.status_code"] as WireSpan["status"] | undefined) ?? "UNSET",
  };
}

function flatten(batches: readonly ThriftBatch[]): WireSpan[] {
  return batches.flatMap((batch) => batch.spans.map((span) => jaegerToWire(span, batch.process)));
}

export interface JaegerCollector extends HttpReceiver {
  /** As OTEL_EXPORTER_JAEGER_ENDPOINT. */
  readonly endpoint: string;
  readonly batches: ThriftBatch[];
  spans(): WireSpan[];
  /** Bodies that were not a Thrift Batch (answered 400). */
  readonly rejections: string[];
}

export async function startJaegerCollector(fault?: Fault): Promise<JaegerCollector> {
  const batches: ThriftBatch[] = [];
  const rejections: string[] = [];
  const http = await startHttpReceiver((request, body) => {
    if (request.method !== "POST" || request.url?.split("?")[0] !== "/api/traces") return { status: 404, body: "POST /api/traces" };
    if (request.headers["content-type"] !== "application/x-thrift") {
      rejections.push(`content-type ${request.headers["content-type"]}`);
      return { status: 400, body: "Unsupported content type" };
    }
    try {
      batches.push(decodeBatch(body));
      return { status: 202 };
    } catch (error) {
      rejections.push(String(error));
      return { status: 400, body: `Unable to process request body: ${String(error)}` };
    }
  }, fault);
  return Object.assign(http, { endpoint: `${http.origin}/api/traces`, batches, rejections, spans: () => flatten(batches) });
}

export interface JaegerAgent {
  readonly host: string;
  readonly port: number;
  readonly batches: ThriftBatch[];
  spans(): WireSpan[];
  close(): Promise<void>;
}

export async function startJaegerAgent(): Promise<JaegerAgent> {
  const batches: ThriftBatch[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (datagram) => batches.push(decodeEmitBatch(datagram)));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    batches,
    spans: () => flatten(batches),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
