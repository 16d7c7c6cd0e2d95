/**
 * Lesson 09 · Backends: send your traces to Zipkin, Jaeger or an OTLP
 * collector, batch them sensibly, and never lose them without a word.
 *
 * The seed guide's 监控后端 section runs Jaeger and Zipkin with docker, and
 * its 调试技巧 tip turns on the SDK's own log. Here you write the four pieces
 * behind `OTEL_TRACES_EXPORTER=zipkin|jaeger|otlp` in the shared kit:
 *   1. the exporter for each backend;
 *   2. a batch processor with limits fit for a short-lived process;
 *   3. an exporter wrapper that counts what could not be delivered, and why;
 *   4. the diag logger, so the SDK can tell you what went wrong.
 * main() runs against a stand-in Zipkin on 127.0.0.1 (no Docker needed),
 * then against a backend that is down.
 *
 * Run it:    npx tsx lessons/09-backends.ts
 * Check it:  npm run verify -- 09
 * Read:      lessons/09-backends.md
 */
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { JaegerExporter } from "@opentelemetry/exporter-jaeger";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { BatchSpanProcessor, InMemorySpanExporter, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { TracedAgent } from "../shared/agents/index.ts";
import { startZipkinReceiver } from "../shared/receivers/index.ts";
import { setupTelemetry } from "../shared/telemetry/index.ts";
import { runMain } from "../shared/workbook/run-main.ts";

export type Backend = "zipkin" | "jaeger" | "otlp";

/** Task 1: one exporter per backend, each speaking that backend's format. */
export function createExporter(backend: Backend, endpoint: string): SpanExporter {
  // TODO(1): Return the exporter for `backend`, sending to `endpoint`:
  //          ZipkinExporter({ url }), JaegerExporter({ endpoint }), OTLPTraceExporter({ url }).
  // #region TODO(1) solution
  switch (backend) {
    case "zipkin":
      // Zipkin v2 JSON to POST /api/v2/spans (port 9411).
      return new ZipkinExporter({ url: endpoint });
    case "jaeger":
      // Thrift over HTTP to the collector (POST /api/traces, port 14268). Without
      // an endpoint it would send UDP to an agent on 6832, which never tells
      // you whether anything arrived. Deprecated upstream, gone in SDK 3.x.
      return new JaegerExporter({ endpoint });
    case "otlp":
      // OTLP over HTTP (POST /v1/traces, port 4318): what Jaeger v2, Zipkin's
      // successors and every OpenTelemetry Collector speak natively.
      return new OTLPTraceExporter({ url: endpoint });
  }
  // #endregion
  // #region TODO(1) exercise
  // // Keeps spans in memory: nothing leaves the process yet.
  // return new InMemorySpanExporter();
  // #endregion
}

/** Task 2: batch, with limits that suit a process that runs for seconds. */
export function createBatchProcessor(exporter: SpanExporter): BatchSpanProcessor {
  // TODO(2): Pass limits to the BatchSpanProcessor: export at least every
  //          second (scheduledDelayMillis) and give up on an export after
  //          5 s (exportTimeoutMillis). Keep the queue bounded (maxQueueSize).
  // #region TODO(2) solution
  return new BatchSpanProcessor(exporter, {
    // The SDK waits 5 s between exports: longer than most lesson runs.
    scheduledDelayMillis: 1000,
    // The SDK waits 30 s for a backend that does not answer. Every batch
    // waiting that long is a batch not sent and a shutdown held up.
    exportTimeoutMillis: 5000,
    // The bound on memory when the backend is down: past it, new spans are
    // dropped. Losing telemetry beats the app running out of memory.
    maxQueueSize: 2048,
    maxExportBatchSize: 512,
  });
  // #endregion
  // #region TODO(2) exercise
  // return new BatchSpanProcessor(exporter);
  // #endregion
}

/** Task 3: an exporter wrapper that counts the spans that did not get through. */
export class CountingExporter implements SpanExporter {
  /** Spans whose export failed. */
  lost = 0;
  /** The first error message of each kind, e.g. "connect ECONNREFUSED 127.0.0.1:9411". */
  readonly reasons = new Set<string>();

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    // TODO(3): Export through `inner` with a callback of your own: when the
    //          result is not SUCCESS, add spans.length to `lost` and the
    //          error's message to `reasons`. Always pass the result on.
    // #region TODO(3) solution
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.lost += spans.length;
        this.reasons.add(result.error?.message.split("\n")[0] ?? "export failed");
      }
      // The batch processor waits for this callback: never swallow it.
      resultCallback(result);
    });
    // #endregion
    // #region TODO(3) exercise
    // this.inner.export(spans, resultCallback);
    // #endregion
  }

  summary(): string {
    if (this.lost === 0) return "no spans lost";
    return `${this.lost} spans not delivered: ${[...this.reasons].join("; ")}`;
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Task 4: the SDK's own log, the seed's 启用详细日志 tip. */
export function enableDiagnostics(level: "error" | "warn" | "info" | "debug", logger: DiagLogger): void {
  // TODO(4): Register `logger` as the diag logger at `level`
  //          (diag.setLogger(logger, DiagLogLevel.DEBUG) for "debug", ...).
  // #region TODO(4) solution
  const levels = { error: DiagLogLevel.ERROR, warn: DiagLogLevel.WARN, info: DiagLogLevel.INFO, debug: DiagLogLevel.DEBUG };
  // Exporters report failures, responses and dropped spans here; unregistered,
  // all of it is thrown away.
  diag.setLogger(logger, { logLevel: levels[level], suppressOverrideMessage: true });
  // #endregion
  // #region TODO(4) exercise
  // // Nothing registered: the SDK's messages go nowhere.
  // #endregion
}

async function runAgentAgainst(exporter: CountingExporter): Promise<void> {
  const telemetry = setupTelemetry({ serviceName: "backends-demo", exporters: ["none"], spanProcessors: [createBatchProcessor(exporter)] });
  const agent = new TracedAgent("support_agent", "gpt-4");
  await agent.processMessage("user_123", "Where is my order?");
  await telemetry.shutdown();
}

async function main(): Promise<void> {
  // A stand-in Zipkin that checks every span like the real one would.
  const zipkin = await startZipkinReceiver();
  try {
    // 1 · A backend that works.
    const healthy = new CountingExporter(createExporter("zipkin", zipkin.endpoint));
    await runAgentAgainst(healthy);
    const names = zipkin.received.map((span) => span.name).join(", ");
    console.log(`1 · Zipkin stand-in at ${zipkin.endpoint} received ${zipkin.received.length} spans${names ? `: ${names}` : ""}`);
    if (zipkin.received.length === 0) console.log("  ⚠ nothing reached the backend: createExporter() keeps spans in memory → TODO(1)");
    if (zipkin.rejections.length > 0) console.log(`  ⚠ rejected with 400: ${zipkin.rejections[0]}`);

    // 2 · A backend that is down: nothing listens on this port any more.
    const down = await startZipkinReceiver();
    await down.close();
    const refused = new CountingExporter(createExporter("zipkin", down.endpoint));
    await runAgentAgainst(refused);
    console.log(`2 · backend down at ${down.endpoint}: ${refused.summary()}`);
    if (refused.lost === 0) console.log("  ⚠ those spans were lost, and nothing counted them → TODO(3) (and TODO(1), so something is sent)");
    // setupTelemetry() registers the kit's own diag logger from OTEL_LOG_LEVEL: the same call as TODO(4).
    console.log("    more detail from the SDK itself: OTEL_LOG_LEVEL=debug npx tsx lessons/09-backends.ts (the kit's version of TODO(4))");
    console.log(
      "\nSee them in a real backend: docker compose up -d, then e.g.\n" +
        "  OTEL_TRACES_EXPORTER=zipkin npx tsx solutions/03-propagation.ts   → http://localhost:9411\n" +
        "  OTEL_TRACES_EXPORTER=otlp   npx tsx solutions/03-propagation.ts   → http://localhost:16686",
    );
  } finally {
    await zipkin.close();
  }
}

runMain(import.meta.url, main);
