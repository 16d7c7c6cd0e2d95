/**
 * Log records from a LoggerProvider of your own into the kit's log pipeline.
 *
 * Lesson 10 builds and registers its own LoggerProvider (that is the task).
 * The Logs API keeps the first global provider it is given and ignores any
 * later one without a word (api-logs 0.223.1, `setGlobalLoggerProvider`), so
 * the kit must not register its own first: setupTelemetry({ registerLogs:
 * false }). Then the lesson's provider exports to `teeLogExporter(itsOwn,
 * forwardLogRecords(telemetry.loggerProvider))`, and OTEL_LOGS_EXPORTER
 * (OTLP, console) still gets every record, through the kit's processors and
 * their delivery report.
 */
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { LoggerProvider, LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";

/**
 * An exporter that emits each record again through `provider`, keeping its
 * times, severity, body, attributes, event name, scope and span context (the
 * trace_id/span_id it was written under). The resource is `provider`'s own:
 * build both providers on the same resource.
 */
export function forwardLogRecords(provider: LoggerProvider): LogRecordExporter {
  return {
    export(records: ReadableLogRecord[], done: (result: ExportResult) => void) {
      for (const record of records) {
        const scope = record.instrumentationScope;
        provider.getLogger(scope.name, scope.version, { schemaUrl: scope.schemaUrl }).emit({
          timestamp: record.hrTime,
          observedTimestamp: record.hrTimeObserved,
          severityNumber: record.severityNumber,
          severityText: record.severityText,
          body: record.body,
          attributes: record.attributes,
          eventName: record.eventName,
          context: record.spanContext ? trace.setSpanContext(ROOT_CONTEXT, record.spanContext) : ROOT_CONTEXT,
        });
      }
      done({ code: ExportResultCode.SUCCESS });
    },
    forceFlush: () => provider.forceFlush(),
    // The kit's provider is shut down by the kit's own shutdown().
    shutdown: async () => {},
  };
}

/** One exporter that hands every batch to each of `exporters`; it fails when any of them fails. */
export function teeLogExporter(...exporters: LogRecordExporter[]): LogRecordExporter {
  return {
    export(records, done) {
      let waiting = exporters.length;
      let failed: ExportResult | undefined;
      if (waiting === 0) return done({ code: ExportResultCode.SUCCESS });
      for (const exporter of exporters) {
        exporter.export(records, (result) => {
          if (result.code !== ExportResultCode.SUCCESS) failed ??= result;
          if (--waiting === 0) done(failed ?? { code: ExportResultCode.SUCCESS });
        });
      }
    },
    forceFlush: async () => void (await Promise.all(exporters.map((exporter) => exporter.forceFlush()))),
    shutdown: async () => void (await Promise.all(exporters.map((exporter) => exporter.shutdown()))),
  };
}
