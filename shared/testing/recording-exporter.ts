/**
 * An exporter that remembers what it was given, and keeps it after shutdown
 * (the SDK's InMemorySpanExporter forgets on shutdown, which is exactly the
 * moment lesson tests want to look).
 */
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

export class RecordingExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  /** How many times export() was called: one per batch. */
  exportCalls = 0;
  shutdownCalled = false;

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exportCalls++;
    this.spans.push(...spans);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {
    this.shutdownCalled = true;
  }

  async forceFlush(): Promise<void> {}
}
