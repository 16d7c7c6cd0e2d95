/**
 * Lesson 09 · Backends: send your traces to Zipkin, Jaeger or an OTLP
 * collector, batch them sensibly, and never lose them without a word.
 *
 * The seed guide's 监控后端 section runs Jaeger and Zipkin with docker, and
 * its 调试技巧 tip turns on the SDK's own log. Here you write the four pieces
 * behind `OTEL_TRACES_EXPORTER=zipkin|jaeger|otlp` in the shared kit:
 *   1. the exporter for each backend (OTLP in both of its HTTP encodings);
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
import { OTLPTraceExporter as OTLPJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { TracedAgent } from "../shared/agents/index.ts";
import { startZipkinReceiver } from "../shared/receivers/index.ts";
import { setupTelemetry } from "../shared/telemetry/index.ts";
import { runMain } from "../shared/workbook/run-main.ts";

/**
 * "otlp" is OTLP over HTTP in protobuf (`http/protobuf`), the default the OTLP
 * exporter spec gives `OTEL_EXPORTER_OTLP_PROTOCOL`; "otlp-json" is the same
 * protocol in its JSON encoding (`http/json`).
 */
export type Backend = "zipkin" | "jaeger" | "otlp" | "otlp-json";

/** Task 1: one exporter per backend, each speaking that backend's format. */
export function createExporter(backend: Backend, endpoint: string): SpanExporter {
  // TODO(1): Return the exporter for `backend`, sending to `endpoint`. Each
  //          backend's exporter is imported above; lessons/09-backends.md has
  //          a table of which option takes the endpoint.
  // Keeps spans in memory: nothing leaves the process yet.
  return new InMemorySpanExporter();
}

/** Task 2: batch, with limits that suit a process that runs for seconds. */
export function createBatchProcessor(exporter: SpanExporter): BatchSpanProcessor {
  // TODO(2): Give the BatchSpanProcessor limits of its own: export at least
  //          every second, give up on an export after at most 5 s, and keep
  //          the queue bounded (lessons/09-backends.md names the options).
  return new BatchSpanProcessor(exporter);
}

/** Task 3: an exporter wrapper that counts the spans that did not get through. */
export class CountingExporter implements SpanExporter {
  /** Spans whose export failed. */
  lost = 0;
  /** The first error message of each kind, e.g. "connect ECONNREFUSED 127.0.0.1:9411". */
  readonly reasons = new Set<string>();

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    // TODO(3): Look at each export's result on its way back to the caller:
    //          count the spans of every failed export in `lost`, keep the
    //          error's first line in `reasons`, and pass the result on as it came.
    this.inner.export(spans, resultCallback);
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
  // TODO(4): Register `logger` as the SDK's diag logger, at the DiagLogLevel
  //          that matches `level`.
  // Nothing registered: the SDK's messages go nowhere.
}

/** Runs the agent once through `exporter`; given `received`, also says how many spans it counted 1.5 s after the run, before any flush. */
async function runAgentAgainst(exporter: CountingExporter, received?: () => number): Promise<{ seenBeforeShutdown: number }> {
  const telemetry = setupTelemetry({ serviceName: "backends-demo", exporters: ["none"], spanProcessors: [createBatchProcessor(exporter)] });
  const agent = new TracedAgent("support_agent", "gpt-4");
  await agent.processMessage("user_123", "Where is my order?");
  // A long-running service never calls shutdown(): its spans go out only on the processor's schedule.
  if (received) await new Promise((resolve) => setTimeout(resolve, 1500));
  const seenBeforeShutdown = received?.() ?? 0;
  await telemetry.shutdown();
  return { seenBeforeShutdown };
}

/** One printable line of a diag message (errors arrive as JSON with a stack). */
function firstLine(message: unknown): string {
  let text = String(message);
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") text = parsed.message;
  } catch {
    // Not JSON: a plain message.
  }
  return text.split("\n")[0]!.slice(0, 160);
}

/** Lines the SDK wrote to a diag logger while exporting one span to a backend that answers 503. */
async function diagLinesForFailedExport(): Promise<string[]> {
  const lines: string[] = [];
  const keep = (level: string) => (message: string) => void lines.push(`diag ${level} ${firstLine(message)}`);
  enableDiagnostics("debug", { error: keep("ERROR"), warn: keep("WARN"), info: keep("INFO"), debug: keep("DEBUG"), verbose: () => {} });
  const backend = await startZipkinReceiver({ status: 503 });
  try {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ZipkinExporter({ url: backend.endpoint }))] });
    provider.getTracer("lesson-09").startSpan("lookup_order").end();
    await provider.shutdown();
  } finally {
    diag.disable();
    await backend.close();
  }
  return lines.filter((line) => /status code|503|fail/i.test(line));
}

async function main(): Promise<void> {
  // Tasks whose symptom this run saw, in order: the first one is where to work next.
  const open = new Set<number>();
  // A stand-in Zipkin that checks every span like the real one would.
  const zipkin = await startZipkinReceiver();
  try {
    // 1 · A backend that works.
    const healthy = new CountingExporter(createExporter("zipkin", zipkin.endpoint));
    const { seenBeforeShutdown } = await runAgentAgainst(healthy, () => zipkin.received.length);
    const names = zipkin.received.map((span) => span.name).join(", ");
    console.log(`1 · Zipkin stand-in at ${zipkin.endpoint} received ${zipkin.received.length} spans${names ? `: ${names}` : ""}`);
    if (zipkin.received.length === 0) {
      console.log("  ⚠ nothing reached the backend: the exporter keeps spans in memory (TODO(1), createExporter)");
      open.add(1);
    } else if (seenBeforeShutdown === 0) {
      console.log("  ⚠ none of them arrived until shutdown flushed the queue: the batch processor still waits 5 s between exports (TODO(2))");
      open.add(2);
    } else {
      console.log(`  ${seenBeforeShutdown} of them arrived within 1.5 s, before any flush`);
    }
    if (zipkin.rejections.length > 0) console.log(`  ⚠ rejected with 400: ${zipkin.rejections[0]}`);

    // 2 · A backend that is down: nothing listens on this port any more.
    const down = await startZipkinReceiver();
    await down.close();
    const refused = new CountingExporter(createExporter("zipkin", down.endpoint));
    await runAgentAgainst(refused);
    console.log(`2 · backend down at ${down.endpoint}: ${refused.summary()}`);
    if (refused.lost === 0) {
      console.log("  ⚠ spans sent to a closed port were lost, and CountingExporter counted none of them (TODO(3))");
      open.add(3);
    }

    // 3 · What the SDK says about a failed export, once a diag logger listens.
    const said = await diagLinesForFailedExport();
    console.log(`3 · a backend answering 503, with enableDiagnostics("debug"): the SDK said ${said.length} thing(s)`);
    for (const line of said.slice(0, 3)) console.log(`  ${line}`);
    if (said.length === 0) {
      console.log("  ⚠ nothing: no diag logger is registered, so the SDK's own messages go nowhere (TODO(4))");
      open.add(4);
    }

    const next = [...open].sort((a, b) => a - b)[0];
    if (next !== undefined) {
      console.log(`\nNext: TODO(${next}) in lessons/09-backends.ts, explained in lessons/09-backends.md (Task ${next}).`);
    } else {
      console.log(
        "\n✓ every backend piece works. See them in a real backend: docker compose up -d, then e.g.\n" +
          "  OTEL_TRACES_EXPORTER=zipkin npx tsx solutions/03-propagation.ts   → http://localhost:9411\n" +
          "  OTEL_TRACES_EXPORTER=otlp   npx tsx solutions/03-propagation.ts   → http://localhost:16686",
      );
    }
  } finally {
    await zipkin.close();
  }
}

runMain(import.meta.url, main);
