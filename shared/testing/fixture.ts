/**
 * `useTestTelemetry()`: call it inside a describe(); every test in it gets a
 * fresh tracer provider and meter provider, registered as the globals, with
 * in-memory exporters to read back. Afterwards the globals are torn down, so
 * no test sees another's spans or providers.
 */
import { afterEach, beforeEach } from "node:test";
import { context, metrics, propagation, trace, type Tracer } from "@opentelemetry/api";
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

export interface TestTelemetryOptions {
  serviceName?: string;
  sampler?: Sampler;
  /** Processors to run before the in-memory exporter (e.g. the one a lesson builds). */
  spanProcessors?: () => SpanProcessor[];
  views?: ViewOptions[];
  /** Register the AsyncLocalStorage context manager (default true). Lesson 05 turns it off to show the failure. */
  contextManager?: boolean;
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
}

export function useTestTelemetry(options: TestTelemetryOptions = {}): TestTelemetry {
  let current: { tracerProvider: BasicTracerProvider; meterProvider: MeterProvider; spans: InMemorySpanExporter; metrics: InMemoryMetricExporter; reader: PeriodicExportingMetricReader } | undefined;

  const get = () => {
    if (!current) throw new Error("useTestTelemetry(): only usable inside a test of the describe() that called it");
    return current;
  };

  beforeEach(() => {
    const resource = resourceFromAttributes({ "service.name": options.serviceName ?? "workbook-test" });
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      resource,
      sampler: options.sampler,
      spanProcessors: [...(options.spanProcessors?.() ?? []), new SimpleSpanProcessor(spans)],
    });
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    // A long interval: the tests pull with collectMetrics(), the timer never fires.
    const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
    const meterProvider = new MeterProvider({ resource, readers: [reader], views: options.views ?? [] });

    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    if (options.contextManager ?? true) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
    current = { tracerProvider, meterProvider, spans, metrics: metricExporter, reader };
  });

  afterEach(async () => {
    const ending = current;
    current = undefined;
    trace.disable();
    metrics.disable();
    context.disable();
    propagation.disable();
    await ending?.tracerProvider.shutdown();
    await ending?.meterProvider.shutdown();
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
