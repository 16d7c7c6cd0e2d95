/**
 * Lesson 13 · Zero-code instrumentation of an agent service.
 *
 * Part one built every span by hand. A team instrumenting a real service
 * starts the other way round: NodeSDK and instrumentation libraries, loaded
 * with `node --import` before the app, give the HTTP and fetch spans for free;
 * then they add their own span where the libraries cannot see (the agent's
 * step). Two processes, real HTTP, one trace:
 *
 *   agent-service (this file's startInstrumentation, via --import)            model-server
 *   POST           SERVER  @opentelemetry/instrumentation-http
 *   └─ invoke_agent planner  INTERNAL  yours (task 3)
 *      └─ POST     CLIENT  @opentelemetry/instrumentation-undici ─traceparent─► POST /v1/chat/completions SERVER
 *
 * Run it:    npx tsx lessons/13-zero-code.ts
 * Check it:  npm run verify -- 13
 * Read:      lessons/13-zero-code.md
 */
import { register } from "node:module";
import { fileURLToPath } from "node:url";
import { SpanKind, trace } from "@opentelemetry/api";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from "@opentelemetry/semantic-conventions/incubating";
import { recordSpanError } from "../shared/agents/index.ts";
import type { AgentAnswer } from "../shared/agent-service/app.ts";
import { callModel } from "../shared/agent-service/call-model.ts";
import { childTelemetry } from "../shared/agent-service/child-telemetry.ts";
import { printTraceFile } from "../shared/agent-service/print-trace.ts";
import { readSpanRecords, type SpanRecord } from "../shared/trace-view/dump.ts";
import { spanProcessorsFromEnv } from "../shared/agent-service/span-processors.ts";
import { startAgentService } from "../shared/agent-service/spawn.ts";
import { startModelServer } from "../shared/model-server/index.ts";
import { runMain } from "../shared/workbook/run-main.ts";

export const SERVICE_NAME = "agent-service";
export const SERVICE_VERSION = "1.0.0";
export const AGENT_NAME = "planner";
export const TRACER_NAME = "workbook.lesson-13";

/**
 * The body of the service's instrumentation file: what `node --import` runs
 * before the app (see shared/agent-service/instrument.ts, which calls this).
 */
export function startInstrumentation(env: Record<string, string | undefined> = process.env): NodeSDK {
  // TODO(1): Register the ESM loader hook, then choose the instrumentations:
  //          HTTP (the service's own server) and undici (its fetch calls).
  const instrumentations: Instrumentation[] = []; // nothing patched: no HTTP or fetch spans

  const sdk = new NodeSDK({
    // TODO(2): Give the service a default name and version that the standard
    //          OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES can still override.
    serviceName: SERVICE_NAME, // set last by NodeSDK: OTEL_SERVICE_NAME is ignored
    instrumentations,
    // The workbook's tree view plus what OTEL_TRACES_EXPORTER names (otlp with
    // OTEL_EXPORTER_OTLP_PROTOCOL, console, zipkin, none).
    spanProcessors: spanProcessorsFromEnv(env),
    // Traces only in this lesson: NodeSDK would otherwise start OTLP metric and
    // log pipelines by default. Set OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER to get them.
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();

  // TODO(4): On SIGTERM, flush and stop the SDK, then exit.
  // No handler: SIGTERM ends the process with spans still in the batch queue.
  return sdk;
}

/** The agent's step for one question: one model call for now (lesson 14 brings the OpenAI client). */
export async function runAgentStep(question: string, model: string, modelUrl: string): Promise<AgentAnswer> {
  const tracer = trace.getTracer(TRACER_NAME);
  // TODO(3): Wrap the step in your own span, "invoke_agent planner", active
  //          while the model is called, with the GenAI agent attributes, the
  //          token usage, and the error when the call fails.
  void tracer; // no span of your own: the fetch hangs straight off the HTTP SERVER span
  return callModel(modelUrl, model, question);
}

async function main(): Promise<void> {
  // Both processes write every span to one file, drawn as one tree at the end (child-telemetry.ts).
  const children = childTelemetry("lesson-13");
  const { traceFile, env } = children;
  const modelServer = await startModelServer({ env });
  try {
    const agent = await startAgentService({ module: fileURLToPath(import.meta.url), modelUrl: modelServer.url, env });
    try {
      for (const body of [{ question: "Plan a three-day trip to Lisbon" }, { question: "And a backup plan?", model: "fake-broken" }]) {
        const res = await fetch(`${agent.url}/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const reply = (await res.json()) as { answer?: string; error?: string };
        console.log(`POST /ask ${JSON.stringify(body.question)} → ${res.status} ${reply.answer ?? reply.error}`);
      }
    } finally {
      await agent.stop(); // SIGTERM: with task 4 done, it flushes before it exits
    }
  } finally {
    await modelServer.stop();
  }
  printTraceFile(traceFile);
  for (const line of whatIsMissing(readSpanRecords(traceFile))) console.log(line);
  children.remove();
}

/** One line per symptom the run shows, each pointing at the TODO that fixes it. */
function whatIsMissing(spans: SpanRecord[]): string[] {
  const agent = spans.filter((span) => span.service !== "model-server");
  const lines: string[] = [];
  if (!agent.some((span) => span.scope === "@opentelemetry/instrumentation-http")) {
    lines.push("→ no SERVER span from the agent service's HTTP server, no CLIENT span for its fetch: the model server's spans start traces of their own. See TODO(1).");
  }
  if (agent.length > 0 && agent.every((span) => span.service === SERVICE_NAME) && process.env.OTEL_SERVICE_NAME) {
    lines.push(`→ OTEL_SERVICE_NAME=${process.env.OTEL_SERVICE_NAME} is set, yet the spans say service.name ${SERVICE_NAME}. See TODO(2).`);
  }
  if (!agent.some((span) => span.name === `invoke_agent ${AGENT_NAME}`)) {
    lines.push(`→ no "invoke_agent ${AGENT_NAME}" span: the agent's step is invisible, its fetch hangs straight off the request. See TODO(3).`);
  }
  return lines;
}

runMain(import.meta.url, main);
