import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "sets the interval but leaves the temporality to the exporter's default",
    edits: [["    temporalityPreference: temporality === \"delta\" ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE,\n", ""]],
    mentions: /temporalityPreference/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "treats intervalMs as seconds",
    edits: [["exportIntervalMillis: intervalMs, exportTimeoutMillis", "exportIntervalMillis: intervalMs * 1000, exportTimeoutMillis"]],
    mentions: /exportIntervalMillis/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "uses the JSON metric exporter where the spec's default is protobuf",
    edits: [['import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";', 'import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";']],
    mentions: /JSON/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "builds the LoggerProvider without the resource",
    edits: [["    resource,\n    processors: [new BatchLogRecordProcessor", "    processors: [new BatchLogRecordProcessor"]],
    mentions: /resource/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "uses the JSON log exporter",
    edits: [['import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";', 'import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";']],
    mentions: /JSON/,
  },
  {
    kind: "correct",
    why: "a simple log record processor instead of a batch one (one request per record, still delivered)",
    edits: [
      ['import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";', 'import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";'],
      ["new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url }), scheduledDelayMillis: 500 })", "new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url }) })"],
    ],
  },
  {
    task: 3,
    kind: "wrong",
    why: "detects host and process but gives no service.instance.id",
    edits: [["detectors: [hostDetector, processDetector, serviceInstanceIdDetector] });\n  return", "detectors: [hostDetector, processDetector] });\n  return"]],
    mentions: /service\.instance\.id/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "makes a new random service.instance.id on every call",
    edits: [
      ["detectors: [hostDetector, processDetector, serviceInstanceIdDetector] });\n  return", "detectors: [hostDetector, processDetector] });\n  return"],
      ["merge(detected).merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }));", 'merge(detected).merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, "service.instance.id": crypto.randomUUID() }));'],
    ],
    mentions: /changed within one process/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "returns the detected resource without the SDK's defaults",
    edits: [["return defaultResource().merge(detected).merge(", "return detected.merge("]],
    mentions: /telemetry\.sdk/,
  },
  {
    kind: "correct",
    why: "also runs the env detector (OTEL_RESOURCE_ATTRIBUTES)",
    edits: [
      ["  defaultResource,\n  detectResources,", "  defaultResource,\n  detectResources,\n  envDetector,"],
      ["detectors: [hostDetector, processDetector, serviceInstanceIdDetector] });\n  return", "detectors: [envDetector, hostDetector, processDetector, serviceInstanceIdDetector] });\n  return"],
    ],
  },
  {
    task: 4,
    kind: "wrong",
    why: "gives the meter provider to the tracer provider only, not to the batch processor",
    edits: [["scheduledDelayMillis: 200, selfObsMeterProvider: meterProvider })", "scheduledDelayMillis: 200 })"]],
    mentions: /selfObsMeterProvider/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "gives the meter provider to the batch processor only, not to the tracer provider",
    edits: [["    resource,\n    meterProvider,\n    spanProcessors:", "    resource,\n    spanProcessors:"]],
    mentions: /meterProvider/,
  },
] satisfies Mutant[];
