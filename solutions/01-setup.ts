/**
 * Lesson 01 · Setup: from nothing to your first trace.
 *
 * The seed guide starts with `setup_opentelemetry(service_name, service_version, ...)`.
 * Here you build that function's insides yourself, one piece per task, then
 * run the guide's quick start (`TracedAgent("my_agent", "gpt-4")`) on top of it.
 *
 * Run it:    npx tsx lessons/01-setup.ts
 * Check it:  npm run verify -- 01
 * Read:      lessons/01-setup.md
 */
import { context, createContextKey, propagation, ProxyTracerProvider, ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, ExportResultCode, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { defaultResource, resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
// All four are stable in semantic-conventions 1.45.0, so they come from the
// main entry point, not /incubating.
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
  ATTR_SERVICE_VERSION,
} from "@opentelemetry/semantic-conventions";
import { TracedAgent } from "../shared/agents/index.ts";
import { TraceTreeExporter } from "../shared/trace-view/index.ts";
import { runMain } from "../shared/workbook/run-main.ts";

export interface ServiceInfo {
  serviceName: string;
  serviceVersion: string;
  /** e.g. "development", "production" */
  environment: string;
}

/** Task 1: who is emitting this telemetry. Every span and metric carries it. */
export function buildResource({ serviceName, serviceVersion, environment }: ServiceInfo): Resource {
  // TODO(1): Describe the service with the semantic-convention keys
  //          service.name, service.version, deployment.environment.name and
  //          service.namespace ("ai-agents"), and merge them into the SDK's
  //          defaultResource() so the telemetry.sdk.* attributes are kept.
  // #region TODO(1) solution
  // `new BasicTracerProvider({ resource })` *replaces* the default resource, so
  // without this merge telemetry.sdk.name/language/version would vanish.
  return defaultResource().merge(
    resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      [ATTR_SERVICE_VERSION]: serviceVersion,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: environment,
      [ATTR_SERVICE_NAMESPACE]: "ai-agents",
    }),
  );
  // #endregion
  // #region TODO(1) exercise
  // return resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName });
  // #endregion
}

/** Task 2: the provider creates spans; its processors hand finished spans to an exporter. */
export function createTracerProvider(resource: Resource, exporter: SpanExporter): BasicTracerProvider {
  // TODO(2): Give the provider a BatchSpanProcessor that sends to `exporter`
  //          (constructor option `spanProcessors: [...]`).
  // #region TODO(2) solution
  // Batch, not Simple: spans are queued and exported in the background, so the
  // traced code never waits on the network. The price: you must flush (task 5).
  return new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  // #endregion
  // #region TODO(2) exercise
  // return new BasicTracerProvider({ resource });
  // #endregion
}

/** Task 3: make this provider the one that `trace.getTracer()` returns everywhere. */
export function registerGlobals(provider: BasicTracerProvider): void {
  // TODO(3): Register three globals: the tracer provider, an
  //          AsyncLocalStorageContextManager (enabled), and a propagator for
  //          W3C trace context + baggage.
  // #region TODO(3) solution
  // Libraries (like TracedAgent) only know the API: they call trace.getTracer()
  // and get this provider. Without it they get a no-op tracer and record nothing.
  trace.setGlobalTracerProvider(provider);
  // The context manager is what makes a span "active" at all. The API's
  // default (NoopContextManager) keeps nothing, not even synchronously inside
  // startActiveSpan's callback, so every span would start a new trace.
  // AsyncLocalStorage also carries the active span across await.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // The propagator is what inject()/extract() use to carry context between
  // services (lesson 03).
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  // #endregion
  // #region TODO(3) exercise
  // // Nothing is registered yet: trace.getTracer() still returns a no-op tracer.
  // #endregion
}

/** Task 4: your first span. */
export async function greetUser(userId: string): Promise<string> {
  const tracer = trace.getTracer("lesson-01");
  // TODO(4): Wrap the work in a span named "greet_user" with
  //          tracer.startActiveSpan(), set the attribute "user.id", and end
  //          the span when the work is done.
  // #region TODO(4) solution
  return tracer.startActiveSpan("greet_user", async (span) => {
    try {
      span.setAttribute("user.id", userId);
      return `Hello, ${userId}!`;
    } finally {
      // A span that is never ended is never exported: end it on every path.
      span.end();
    }
  });
  // #endregion
  // #region TODO(4) exercise
  // return `Hello, ${userId}!`;
  // #endregion
}

/** Task 5: deliver what is still queued before the process exits. */
export async function shutdownTelemetry(provider: BasicTracerProvider): Promise<void> {
  // TODO(5): Shut the provider down: it flushes every processor (and so the
  //          batch queue) and then stops the exporters.
  // #region TODO(5) solution
  // The BatchSpanProcessor waits up to 5 s before exporting; a short program
  // exits sooner, and its spans would be dropped without a word.
  await provider.shutdown();
  // #endregion
  // #region TODO(5) exercise
  // // Nothing is flushed yet: spans still in the batch queue are lost at exit.
  // #endregion
}

const SERVICE: ServiceInfo = { serviceName: "my-agent-service", serviceVersion: "1.0.0", environment: "development" };

async function main(): Promise<void> {
  warnAboutIgnoredEnvironment();
  // Tried first, on throwaway providers, so the run can say which task is next.
  const next = await firstOpenTask();

  const view = new TraceTreeExporter();
  const resource = buildResource(SERVICE);
  const provider = createTracerProvider(resource, view);
  registerGlobals(provider);

  console.log(await greetUser("user_123"));
  // The seed guide's quick start. TracedAgent is instrumented with the
  // OpenTelemetry API only; it records spans because of task 3.
  const agent = new TracedAgent("my_agent", "gpt-4");
  const reply = await agent.processMessage("user_123", "Hello!");
  console.log(`${reply.agent}: ${reply.content}\n`);

  await shutdownTelemetry(provider);
  if (view.spanCount() === 0) console.log("⚠ No spans reached the exporter, so there is no trace to show.");
  if (next) {
    console.log(`⚠ ${next.symptom}.\n  Next: TODO(${next.todo}) in lessons/01-setup.ts; \`npm run verify -- 01\` checks every task.`);
  }
}

/**
 * This lesson builds its own setup from your functions, so the OTEL_*
 * variables that setupTelemetry() reads in every later lesson do nothing here.
 * Say so rather than ignore them silently. Only names from our own list are
 * printed, never a value: they come from outside the program.
 */
function warnAboutIgnoredEnvironment(): void {
  const honouredFromLesson02 = [
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_ZIPKIN_ENDPOINT",
    "OTEL_EXPORTER_JAEGER_ENDPOINT",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
  ];
  const set = honouredFromLesson02.filter((name) => process.env[name] !== undefined);
  if (set.length > 0) {
    console.log(
      `ℹ Lesson 01 ignores ${set.join(", ")}: it builds its own setup from your functions and prints to the terminal only.\n` +
        "  From lesson 02 on, setupTelemetry() reads these variables.\n",
    );
  }
}

/**
 * Which task to look at next: each step is tried on its own, on providers
 * that export nowhere (so nothing is added to the trace shown), and the first
 * one that does not do its job yet is named.
 */
async function firstOpenTask(): Promise<{ todo: number; symptom: string } | undefined> {
  const { attributes } = buildResource(SERVICE);
  const expected: Record<string, string> = {
    [ATTR_SERVICE_NAME]: SERVICE.serviceName,
    [ATTR_SERVICE_VERSION]: SERVICE.serviceVersion,
    [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: SERVICE.environment,
    [ATTR_SERVICE_NAMESPACE]: "ai-agents",
    "telemetry.sdk.language": "nodejs",
  };
  const missing = Object.keys(expected).filter((key) => attributes[key] !== expected[key]);
  if (missing.length > 0) return { todo: 1, symptom: `The resource does not say ${missing.join(", ")}` };

  const exported = new InMemorySpanExporter();
  const probe = createTracerProvider(resourceFromAttributes({}), exported);
  probe.getTracer("probe").startSpan("probe").end();
  const inEnd = exported.getFinishedSpans().length;
  await probe.forceFlush();
  const afterFlush = exported.getFinishedSpans().length;
  await probe.shutdown();
  if (afterFlush === 0) return { todo: 2, symptom: "The tracer provider hands finished spans to no exporter: it has no span processor" };
  if (inEnd > 0) return { todo: 2, symptom: "The tracer provider exports inside span.end(), which makes traced code wait: that is a SimpleSpanProcessor" };

  const globals = checkGlobals();
  if (globals) return { todo: 3, symptom: globals };

  const greeted = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(greeted)] }));
  try {
    await greetUser("user_probe");
  } finally {
    trace.disable();
  }
  const greeting = greeted.getFinishedSpans().find((span) => span.name === "greet_user");
  if (!greeting) return { todo: 4, symptom: 'greetUser() records no ended "greet_user" span' };
  if (greeting.attributes["user.id"] !== "user_probe") return { todo: 4, symptom: 'The "greet_user" span has no user.id attribute' };

  // Counted in export(): an InMemorySpanExporter forgets its spans when shut down.
  let delivered = 0;
  const counting: SpanExporter = {
    export: (spans, done) => {
      delivered += spans.length;
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => {},
  };
  const batching = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(counting)] });
  batching.getTracer("probe").startSpan("probe").end();
  await shutdownTelemetry(batching);
  if (delivered === 0) {
    await batching.shutdown();
    return { todo: 5, symptom: "Spans still queued in the batch processor are dropped at exit: nothing flushes them" };
  }
  return undefined;
}

/** Registers the globals on a throwaway provider and says which one is missing, or undefined. */
function checkGlobals(): string | undefined {
  const provider = new BasicTracerProvider();
  registerGlobals(provider);
  try {
    if ((trace.getTracerProvider() as ProxyTracerProvider).getDelegate() !== provider) {
      return "trace.getTracer() does not reach your provider: no global tracer provider is registered";
    }
    const key = createContextKey("lesson-01 probe");
    if (context.with(ROOT_CONTEXT.setValue(key, true), () => context.active().getValue(key)) !== true) {
      return "Nothing is ever active: there is no context manager, so every span starts a new trace";
    }
    const headers: Record<string, string> = {};
    const remote = trace.wrapSpanContext({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: TraceFlags.SAMPLED });
    propagation.inject(trace.setSpan(ROOT_CONTEXT, remote), headers);
    if (headers.traceparent === undefined) return "inject() writes no traceparent header: no global propagator is registered";
    return undefined;
  } finally {
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

runMain(import.meta.url, main);
