/**
 * Test receivers: stand-ins for Zipkin, Jaeger (collector and agent) and an
 * OTLP/HTTP endpoint, on 127.0.0.1 with a port of their own. They decode
 * exactly what the exporters put on the wire, check it against each
 * backend's published format, and can misbehave on request (Fault).
 */
export { startHttpReceiver, waitUntil, type Fault, type HttpReceiver } from "./http-receiver.ts";
export { startZipkinReceiver, zipkinV2Problems, type ZipkinReceiver, type ZipkinSpan } from "./zipkin.ts";
export { startJaegerCollector, startJaegerAgent, decodeBatch, decodeEmitBatch, type JaegerCollector, type JaegerAgent } from "./jaeger.ts";
export { startOtlpReceiver, otlpToWire, otlpMetricsToWire, otlpLogsToWire, type OtlpReceiver, type OtlpDelivery, type WireDataPoint, type WireLogRecord } from "./otlp.ts";
export { decodeOtlpProtobuf, encodeOtlpProtobuf, type Signal } from "./otlp-proto.ts";
export { traces, type WireSpan, type WireKind } from "./wire-span.ts";
