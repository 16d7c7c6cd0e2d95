/**
 * The workbook's `setupTelemetry()`: the TypeScript counterpart of the seed
 * guide's `setup_opentelemetry(service_name, service_version, ...)`.
 *
 * It does, in order, what every Node service needs before its first span:
 *   1. a Resource (who is emitting: service.name, version, environment),
 *      merged with the SDK defaults so telemetry.sdk.* survives;
 *   2. a TracerProvider with a sampler and span processors → exporters;
 *   3. a MeterProvider on the same resource;
 *   4. the globals: provider, AsyncLocalStorage context manager (without it
 *      every "child" span becomes a new root) and the W3C propagators;
 *   5. a LoggerProvider on the same resource, exporting when OTEL_LOGS_EXPORTER
 *      (or the code) asks for it (signals.ts), metrics likewise with
 *      OTEL_METRICS_EXPORTER;
 *   6. a shutdown() that flushes everything, bounded in time.
 * Lesson 01 has you build exactly this yourself; every later lesson uses it.
 */
import { context, diag, metrics, propagation, trace, type Attributes, type Tracer } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { LoggerProvider, type LogRecordProcessor } from "@opentelemetry/sdk-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { defaultResource, resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { MeterProvider, type MetricReader, type ViewOptions } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type Sampler,
  type SpanExporter,
  type SpanLimits,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME, ATTR_SERVICE_NAMESPACE } from "@opentelemetry/semantic-conventions/incubating";
import { OpenSpanTracker, describeOpenSpans, type TraceTreeExporter } from "../trace-view/index.ts";
import { metricsFileReaders, spanDumpProcessors } from "../trace-view/dump.ts";
import { readEnvConfig, type ExporterName, type SignalExporterName } from "./env.ts";
import { buildLogProcessors, buildMetricReaders } from "./signals.ts";
import { buildSampler } from "./sampler.ts";
import { buildSpanProcessors } from "./exporters.ts";
import { DeliveryReports } from "./delivery.ts";
import { installDiagnostics } from "./diag-logger.ts";

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** deployment.environment.name; defaults to "development". */
  environment?: string;
  /** service.namespace; the seed uses "ai-agents". */
  namespace?: string;
  /** More resource attributes. */
  attributes?: Attributes;
  /** Exporters when OTEL_TRACES_EXPORTER is not set; defaults to ["tree"]. */
  exporters?: ExporterName[];
  /** Extra exporters (each behind a SimpleSpanProcessor), e.g. an InMemorySpanExporter in tests. */
  spanExporters?: SpanExporter[];
  /** Extra processors that run before the exporters' (e.g. a redaction processor). */
  spanProcessors?: SpanProcessor[];
  /** Sampler when OTEL_TRACES_SAMPLER is not set; defaults to parent-based always-on. */
  sampler?: Sampler;
  spanLimits?: SpanLimits;
  metricReaders?: MetricReader[];
  views?: ViewOptions[];
  /** Metric exporters when OTEL_METRICS_EXPORTER is not set; default none (read metrics in-process). */
  metricExporters?: SignalExporterName[];
  /** Log exporters when OTEL_LOGS_EXPORTER is not set; default none. */
  logExporters?: SignalExporterName[];
  /** Extra log record processors (e.g. a SimpleLogRecordProcessor around an InMemoryLogRecordExporter in tests). */
  logRecordProcessors?: LogRecordProcessor[];
  /**
   * The SDK's own metrics (otel.sdk.span.*, otel.sdk.processor.*, otel.sdk.exporter.*,
   * otel.sdk.log.*): the 2.12 line records them only when handed a MeterProvider
   * (TracerProvider `meterProvider`, processors and OTLP exporters
   * `selfObsMeterProvider`, all marked experimental). Default false.
   */
  sdkMetrics?: boolean;
  /** Register as the global provider/context manager/propagator. Default true; use false for a second service in one process. */
  register?: boolean;
  /**
   * Register the logger provider as the global one (when it exports somewhere and `register` is on). Default
   * true. False for code that registers a LoggerProvider of its own (lesson 10): the Logs API keeps the first
   * one registered and silently ignores the next, so the kit registering first would hide the lesson's. Feed
   * this one from yours with forwardLogRecords() (forward-logs.ts), and OTEL_LOGS_EXPORTER still applies.
   */
  registerLogs?: boolean;
  /** Share one terminal view between services in one process, so a trace crossing them prints as one tree. */
  treeView?: TraceTreeExporter;
  /** Upper bound for shutdown(); a backend that never answers must not hang the process. Default 5000 ms. */
  shutdownTimeoutMs?: number;
  /** Where warnings go (never-ended spans, slow shutdown). Default: stderr. */
  warn?: (message: string) => void;
  /** The environment to read OTEL_* from; tests pass their own. */
  env?: Record<string, string | undefined>;
}

export interface Telemetry {
  readonly resource: Resource;
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** Registered as the global logger provider only when it exports somewhere (a processor or OTEL_LOGS_EXPORTER). */
  readonly loggerProvider: LoggerProvider;
  /** A tracer from this service's provider (use it when `register` is false). */
  tracer(name?: string, version?: string): Tracer;
  /** Spans started and not yet ended: the usual reason a span "never shows up". */
  openSpanCount(): number;
  forceFlush(): Promise<void>;
  /** Flushes and stops everything; resolves within shutdownTimeoutMs even if a backend hangs. Safe to call twice. */
  shutdown(): Promise<void>;
}

export function buildResource(options: TelemetryOptions, env = readEnvConfig(options.env)): Resource {
  const fromCode = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: options.serviceName,
    [ATTR_SERVICE_VERSION]: options.serviceVersion ?? "0.0.0",
    [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: options.environment ?? "development",
    [ATTR_SERVICE_NAMESPACE]: options.namespace ?? "ai-agents",
    ...options.attributes,
  });
  // Later merges win: the environment overrides the code, so an operator can
  // rename a service or tag a deployment without touching it.
  return defaultResource()
    .merge(fromCode)
    .merge(resourceFromAttributes(env.resourceAttributes))
    .merge(resourceFromAttributes(env.serviceName ? { [ATTR_SERVICE_NAME]: env.serviceName } : {}));
}

export function setupTelemetry(options: TelemetryOptions): Telemetry {
  // Read and check every variable before building anything: a typo should
  // stop the run here, with a message, not half-way through.
  const env = readEnvConfig(options.env);
  const resource = buildResource(options, env);
  const warn = options.warn ?? ((message: string) => console.error(message));
  const openSpans = new OpenSpanTracker();
  // Counts what each network exporter delivers; one line per backend at shutdown.
  const deliveries = new DeliveryReports();

  // Metrics first: with sdkMetrics on, the tracer and logger providers record into it.
  // WORKBOOK_METRICS_FILE adds a reader that writes the final metrics as JSON (the docs site charts them).
  const readers = [
    ...(options.metricReaders ?? []),
    ...metricsFileReaders(options.env ?? process.env),
    ...buildMetricReaders(env.metricsExporters ?? options.metricExporters ?? ["none"], { env, deliveries }),
  ];
  const meterProvider = new MeterProvider({ resource, readers, views: options.views ?? [] });
  const selfObsMeterProvider = options.sdkMetrics ? meterProvider : undefined;

  const tracerProvider = new BasicTracerProvider({
    resource,
    sampler: env.sampler ? buildSampler(env.sampler) : options.sampler,
    spanLimits: options.spanLimits,
    meterProvider: selfObsMeterProvider,
    spanProcessors: [
      openSpans,
      ...(options.spanProcessors ?? []),
      ...buildSpanProcessors(env.exporters ?? options.exporters ?? ["tree"], { env, treeView: options.treeView, deliveries, selfObsMeterProvider }),
      ...(options.spanExporters ?? []).map((exporter) => new SimpleSpanProcessor(exporter)),
      // WORKBOOK_TRACE_FILE: every span, as JSON lines, for the docs site's waterfalls.
      ...spanDumpProcessors(options.env ?? process.env),
    ],
  });
  const logProcessors = [
    ...(options.logRecordProcessors ?? []),
    ...buildLogProcessors(env.logsExporters ?? options.logExporters ?? ["none"], { env, deliveries, selfObsMeterProvider }),
  ];
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessors, meterProvider: selfObsMeterProvider });

  const register = options.register ?? true;
  // The SDK's own log (diag), level from OTEL_LOG_LEVEL: export errors are not silent.
  const uninstallDiagnostics = register ? installDiagnostics(options.env ?? process.env, warn) : undefined;
  if (register) registerGlobals(tracerProvider, meterProvider);
  // Only a provider that exports anywhere is worth registering: lesson 10 registers its own.
  const registerLogs = register && (options.registerLogs ?? true) && logProcessors.length > 0;
  if (registerLogs) logs.setGlobalLoggerProvider(loggerProvider);

  const timeoutMs = options.shutdownTimeoutMs ?? 5000;
  let stopped: Promise<void> | undefined;

  return {
    resource,
    tracerProvider,
    meterProvider,
    loggerProvider,
    tracer: (name = "workbook", version) => tracerProvider.getTracer(name, version),
    openSpanCount: () => openSpans.openSpans().length,
    async forceFlush() {
      // allSettled: a backend that is down or slow must not turn a flush into a crash
      // of the traced app; what was lost is counted and reported at shutdown.
      // Spans and logs first, then metrics: flushing them updates the SDK's own metrics.
      await withTimeout(
        Promise.allSettled([tracerProvider.forceFlush(), loggerProvider.forceFlush()]).then(() => meterProvider.forceFlush()),
        timeoutMs,
      );
    },
    shutdown() {
      stopped ??= (async () => {
        // Read before shutting down: afterwards nothing can end them any more.
        const neverEnded = describeOpenSpans(openSpans.openSpans());
        // Metrics last, within the same bound: the final collection then holds
        // what the span and log pipelines recorded while they flushed (otel.sdk.*).
        // Spans and logs get 60% of the bound before metrics start anyway: an
        // exporter retrying a refused connection must not eat the metrics' turn.
        const spansAndLogs = Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown()]);
        const finished = await withTimeout(
          withTimeout(spansAndLogs, timeoutMs * 0.6).then(() => Promise.allSettled([spansAndLogs, meterProvider.shutdown()])),
          timeoutMs,
        );
        if (neverEnded) warn(neverEnded);
        // Also frees sockets to backends that never answered: they would keep the process alive.
        const lost = deliveries.close({ gaveUp: !finished, waitedMs: timeoutMs });
        for (const line of lost) warn(line);
        if (!finished && lost.length === 0) {
          warn(
            `⚠ telemetry shutdown gave up after ${timeoutMs} ms: an exporter's backend did not answer, ` +
              `so spans still queued were not delivered. Is the backend running? (see docs: troubleshooting)`,
          );
        }
        if (register) unregisterGlobals();
        if (registerLogs) logs.disable();
        uninstallDiagnostics?.();
      })();
      return stopped;
    },
  };
}

function registerGlobals(tracerProvider: BasicTracerProvider, meterProvider: MeterProvider): void {
  // Each setGlobal* returns false (and only logs through diag) when something
  // is already registered: turn that into an error a learner can act on.
  if (!trace.setGlobalTracerProvider(tracerProvider)) {
    throw new Error(
      "🚨 A global tracer provider is already registered in this process.\n" +
        "   Call shutdown() on the first telemetry before setting up again, or pass { register: false } for a second service.",
    );
  }
  metrics.setGlobalMeterProvider(meterProvider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
}

function unregisterGlobals(): void {
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
  diag.disable();
}

/** Resolves true if `work` settled in time, false otherwise; the timer never keeps the process alive. */
export async function withTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
