/**
 * Module-level tracers and loggers that follow the current test.
 *
 * The OpenTelemetry examples keep `const tracer = trace.getTracer("x")` at
 * module level. In @opentelemetry/api 1.9.1 that is a ProxyTracer which, on
 * its first span, binds for good to the tracer of whatever provider was then
 * registered (ProxyTracer._getTracer caches `_delegate`), and `trace.disable()`
 * only swaps in a new ProxyTracerProvider, leaving old proxies pointing at the
 * old delegate. With a fresh provider per test, such a tracer would keep
 * recording into the first test's (shut down) provider. @opentelemetry/api-logs
 * 0.223.1 has the same ProxyLogger caching.
 *
 * So the test kit always registers these stable providers as the globals: the
 * tracers and loggers they hand out look up the current test's provider on
 * every call. A proxy that binds to them stays correct for the whole file.
 */
import { ProxyTracerProvider, type Tracer, type TracerOptions, type TracerProvider } from "@opentelemetry/api";
import { createNoopLogger, type Logger, type LoggerOptions, type LoggerProvider } from "@opentelemetry/api-logs";

/** Hands out tracers that start spans with `current`'s tracer of the same name, or no-op spans between tests. */
export class CurrentTestTracerProvider implements TracerProvider {
  current: TracerProvider | undefined;
  // A ProxyTracerProvider without a delegate gives no-op tracers: spans outside any test go nowhere.
  private readonly idle = new ProxyTracerProvider();

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const target = () => (this.current ?? this.idle).getTracer(name, version, options);
    return {
      startSpan: (spanName, spanOptions, ctx) => target().startSpan(spanName, spanOptions, ctx),
      // startActiveSpan has three overloads; forward the arguments as given.
      startActiveSpan: ((...args: unknown[]) => {
        const tracer = target();
        return Reflect.apply(tracer.startActiveSpan, tracer, args);
      }) as Tracer["startActiveSpan"],
    };
  }
}

/** The same for the Logs API. */
export class CurrentTestLoggerProvider implements LoggerProvider {
  current: LoggerProvider | undefined;
  private readonly idle = createNoopLogger();

  getLogger(name: string, version?: string, options?: LoggerOptions): Logger {
    const target = () => this.current?.getLogger(name, version, options) ?? this.idle;
    return {
      emit: (record) => target().emit(record),
      enabled: (query) => target().enabled(query),
    };
  }
}

/** One of each per process: a module-level proxy may bind to them in any test. */
export const currentTestTracerProvider = new CurrentTestTracerProvider();
export const currentTestLoggerProvider = new CurrentTestLoggerProvider();
