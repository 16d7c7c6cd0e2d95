/**
 * `useTestTelemetry()`: call it inside a describe(); every test in it gets a
 * fresh tracer provider and meter provider (and, with `logs: true`, a logger
 * provider), with in-memory exporters to read back. Afterwards the globals are
 * torn down, so no test sees another's spans or providers.
 *
 * The global tracer (and logger) provider is a stable one that forwards to the
 * current test's provider (current-provider.ts), so a module-level
 * `trace.getTracer()` records into whichever test is running.
 *
 * Every test also fails, with a 🚨 message, when the code under test ends a
 * span twice or adds a sampling-relevant attribute after start
 * (span-checks.ts); `checks` turns either check off for a test that makes
 * that mistake on purpose.
 */
import { afterEach, beforeEach } from "node:test";
import { context, metrics, propagation, trace, type Tracer } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
  type ViewOptions,
  type MetricData,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { currentTestLoggerProvider, currentTestTracerProvider } from "./current-provider.ts";
import { SpanMistakeDetector, type SpanCheckOptions } from "./span-checks.ts";

export interface TestTelemetryOptions {
  serviceName?: string;
  sampler?: Sampler;
  /** Processors to run before the in-memory exporter (e.g. the one a lesson builds). */
  spanProcessors?: () => SpanProcessor[];
  views?: ViewOptions[];
  /** Register the AsyncLocalStorage context manager (default true). Lesson 05 turns it off to show the failure. */
  contextManager?: boolean;
  /** Also set up a global LoggerProvider (Logs API) per test, read back with logRecords() (default false). */
  logs?: boolean;
  /** The span checks every test runs; set one to false only for a test that makes that mistake on purpose. */
  checks?: SpanCheckOptions;
}

export interface TestTelemetry {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  tracer(name?: string): Tracer;
  /** Every span ended so far, in end order. */
  spans(): ReadableSpan[];
  /** Collects and returns every metric stream recorded so far. */
  collectMetrics(): Promise<MetricData[]>;
  /** Forget recorded spans (metrics are cumulative). */
  resetSpans(): void;
  /** Every log record emitted so far through the Logs API (needs `logs: true`). */
  logRecords(): ReadableLogRecord[];
}

interface PerTest {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  loggerProvider?: LoggerProvider;
  spans: InMemorySpanExporter;
  logs?: InMemoryLogRecordExporter;
  metrics: InMemoryMetricExporter;
  reader: PeriodicExportingMetricReader;
  checks: SpanMistakeDetector;
}

export function useTestTelemetry(options: TestTelemetryOptions = {}): TestTelemetry {
  let current: PerTest | undefined;

  const get = () => {
    if (!current) throw new Error("useTestTelemetry(): only usable inside a test of the describe() that called it");
    return current;
  };

  beforeEach(() => {
    const resource = resourceFromAttributes({ "service.name": options.serviceName ?? "workbook-test" });
    const spans = new InMemorySpanExporter();
    const checks = new SpanMistakeDetector(options.checks);
    const tracerProvider = new BasicTracerProvider({
      resource,
      sampler: options.sampler,
      // The checks come first so they see the attributes a span started with before any lesson processor runs.
      spanProcessors: [checks, ...(options.spanProcessors?.() ?? []), new SimpleSpanProcessor(spans)],
    });
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    // A long interval: the tests pull with collectMetrics(), the timer never fires.
    const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ resource, readers: [reader], views: options.views ?? [] });

    // Two useTestTelemetry() in one describe: the first registered stays global, as the API's
    // refusal of a second global registration always made it.
    currentTestTracerProvider.current ??= tracerProvider;
    trace.setGlobalTracerProvider(currentTestTracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    let logExporter: InMemoryLogRecordExporter | undefined;
    let loggerProvider: LoggerProvider | undefined;
    if (options.logs) {
      logExporter = new InMemoryLogRecordExporter();
      loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
      currentTestLoggerProvider.current ??= loggerProvider;
      logs.setGlobalLoggerProvider(currentTestLoggerProvider);
    }
    if (options.contextManager ?? true) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
    current = { tracerProvider, meterProvider, loggerProvider, spans, logs: logExporter, metrics: metricExporter, reader, checks };
  });

  afterEach(async () => {
    const ending = current;
    current = undefined;
    if (currentTestTracerProvider.current === ending?.tracerProvider) currentTestTracerProvider.current = undefined;
    trace.disable();
    metrics.disable();
    context.disable();
    propagation.disable();
    if (ending?.loggerProvider) {
      if (currentTestLoggerProvider.current === ending.loggerProvider) currentTestLoggerProvider.current = undefined;
      logs.disable();
      await ending.loggerProvider.shutdown();
    }
    await ending?.tracerProvider.shutdown();
    await ending?.meterProvider.shutdown();
    // Last, so a failing check never leaves the globals registered for the next test.
    const mistakes = ending?.checks.mistakes() ?? [];
    if (mistakes.length > 0) throw new Error(mistakes.join("\n"));
  });

  return {
    get tracerProvider() {
      return get().tracerProvider;
    },
    get meterProvider() {
      return get().meterProvider;
    },
    tracer: (name = "workbook-test") => get().tracerProvider.getTracer(name),
    spans: () => get().spans.getFinishedSpans(),
    resetSpans: () => get().spans.reset(),
    logRecords: () => {
      const { logs: exporter } = get();
      if (!exporter) throw new Error("useTestTelemetry(): pass { logs: true } to record log records");
      return exporter.getFinishedLogRecords();
    },
    async collectMetrics() {
      const { reader, metrics: exporter } = get();
      await reader.forceFlush();
      const batches: ResourceMetrics[] = exporter.getMetrics();
      const latest = batches.at(-1);
      exporter.reset();
      return latest ? latest.scopeMetrics.flatMap((scope) => scope.metrics) : [];
    },
  };
}
