export { setupTelemetry, buildResource, withTimeout, type Telemetry, type TelemetryOptions } from "./setup.ts";
export { readEnvConfig, ConfigError, EXPORTER_NAMES, SAMPLER_NAMES, type ExporterName, type EnvConfig } from "./env.ts";
export { buildSampler } from "./sampler.ts";
export { buildSpanProcessors, BATCH_LIMITS } from "./exporters.ts";
export { forwardLogRecords, teeLogExporter } from "./forward-logs.ts";
