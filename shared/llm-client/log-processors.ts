/**
 * The log record processors a part-two NodeSDK gets from OTEL_LOGS_EXPORTER
 * (`otlp`, `console`, `none`; unset: none, as in lesson 13), built by the
 * workbook's telemetry kit (shared/telemetry/signals.ts), so the protocol,
 * endpoint and header variables mean what they mean everywhere else.
 */
import type { LogRecordProcessor } from "@opentelemetry/sdk-logs";
import { readEnvConfig } from "../telemetry/env.ts";
import { buildLogProcessors } from "../telemetry/signals.ts";

export function logRecordProcessorsFromEnv(env: Record<string, string | undefined> = process.env): LogRecordProcessor[] {
  const config = readEnvConfig(env);
  return buildLogProcessors(config.logsExporters ?? ["none"], { env: config });
}
