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
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { defaultResource, resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { ATTR_DEPLOYMENT_ENVIRONMENT_NAME, ATTR_SERVICE_NAMESPACE } from "@opentelemetry/semantic-conventions/incubating";
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
  return resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName });
}

/** Task 2: the provider creates spans; its processors hand finished spans to an exporter. */
export function createTracerProvider(resource: Resource, exporter: SpanExporter): BasicTracerProvider {
  // TODO(2): Give the provider a BatchSpanProcessor that sends to `exporter`
  //          (constructor option `spanProcessors: [...]`).
  return new BasicTracerProvider({ resource });
}

/** Task 3: make this provider the one that `trace.getTracer()` returns everywhere. */
export function registerGlobals(provider: BasicTracerProvider): void {
  // TODO(3): Register three globals: the tracer provider, an
  //          AsyncLocalStorageContextManager (enabled), and a propagator for
  //          W3C trace context + baggage.
  // Nothing is registered yet: trace.getTracer() still returns a no-op tracer.
}

/** Task 4: your first span. */
export async function greetUser(userId: string): Promise<string> {
  const tracer = trace.getTracer("lesson-01");
  // TODO(4): Wrap the work in a span named "greet_user" with
  //          tracer.startActiveSpan(), set the attribute "user.id", and end
  //          the span when the work is done.
  return `Hello, ${userId}!`;
}

/** Task 5: deliver what is still queued before the process exits. */
export async function shutdownTelemetry(provider: BasicTracerProvider): Promise<void> {
  // TODO(5): Shut the provider down: it flushes every processor (and so the
  //          batch queue) and then stops the exporters.
  // Nothing is flushed yet: spans still in the batch queue are lost at exit.
}

async function main(): Promise<void> {
  const view = new TraceTreeExporter();
  const resource = buildResource({ serviceName: "my-agent-service", serviceVersion: "1.0.0", environment: "development" });
  const provider = createTracerProvider(resource, view);
  registerGlobals(provider);

  console.log(await greetUser("user_123"));
  // The seed guide's quick start. TracedAgent is instrumented with the
  // OpenTelemetry API only; it records spans because of task 3.
  const agent = new TracedAgent("my_agent", "gpt-4");
  const reply = await agent.processMessage("user_123", "Hello!");
  console.log(`${reply.agent}: ${reply.content}\n`);

  await shutdownTelemetry(provider);
  if (view.spanCount() === 0) {
    console.log(
      "⚠ No spans reached the exporter, so there is no trace to show.\n" +
        "  Start with TODO(1) in lessons/01-setup.ts; `npm run verify -- 01` says which task is next.",
    );
  }
}

runMain(import.meta.url, main);
