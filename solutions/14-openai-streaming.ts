/**
 * Lesson 14 · The OpenAI client's own instrumentation, and streaming.
 *
 * Lesson 13's agent called the model with a bare fetch. Real agents use the
 * provider's client library, and that library has an instrumentation of its
 * own: @opentelemetry/instrumentation-openai makes the `chat {model}` span,
 * the GenAI client metrics, and (opt-in) message content as log records.
 * The agent now streams its answer, which is where a span's life gets
 * subtle: it must last until the stream ends, or until the agent walks away.
 *
 *   agent-service                                                             model-server
 *   POST                       SERVER    instrumentation-http
 *   └─ invoke_agent planner    INTERNAL  yours (tasks 3, 4)
 *      └─ chat gpt-4o-mini     CLIENT    instrumentation-openai (task 1)
 *         └─ POST              CLIENT    instrumentation-undici ─traceparent─► POST /v1/chat/completions SERVER
 *   log records gen_ai.user.message, gen_ai.choice on the chat span          (task 2)
 *
 * Run it:    npx tsx lessons/14-openai-streaming.ts
 * Check it:  npm run verify -- 14
 * Read:      lessons/14-openai-streaming.md
 */
import { register } from "node:module";
import { fileURLToPath } from "node:url";
import { SpanKind, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import type { LogRecordProcessor, SdkLogRecord } from "@opentelemetry/sdk-logs";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from "@opentelemetry/semantic-conventions/incubating";
import type { CompletionUsage } from "openai/resources/completions";
import { recordSpanError } from "../shared/agents/index.ts";
import type { AgentAnswer } from "../shared/agent-service/app.ts";
import { ModelCallError } from "../shared/agent-service/call-model.ts";
import { childTelemetry } from "../shared/agent-service/child-telemetry.ts";
import { printTraceFile } from "../shared/agent-service/print-trace.ts";
import { spanProcessorsFromEnv } from "../shared/agent-service/span-processors.ts";
import { startAgentService } from "../shared/agent-service/spawn.ts";
import { logRecordProcessorsFromEnv, modelFailure, openAIClient, redactLogBody } from "../shared/llm-client/index.ts";
import { startModelServer } from "../shared/model-server/index.ts";
import { printable } from "../shared/privacy/index.ts";
import { startOtlpReceiver } from "../shared/receivers/index.ts";
import { readSpanRecords, type SpanRecord } from "../shared/trace-view/dump.ts";
import { runMain } from "../shared/workbook/run-main.ts";

export const SERVICE_NAME = "agent-service";
export const SERVICE_VERSION = "1.0.0";
export const AGENT_NAME = "planner";
export const TRACER_NAME = "workbook.lesson-14";
/** GenAI conventions (semantic-conventions-genai, docs/gen-ai/gen-ai-spans.md): seconds, a double. */
export const ATTR_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";
/** The workbook's own: the agent stopped reading the stream before it ended. */
export const ATTR_ANSWER_TRUNCATED = "app.answer.truncated";

/** The most characters of an answer the agent keeps: WORKBOOK_MAX_ANSWER_CHARS, default 160. */
export const answerBudget = (env = process.env) => (Number(env.WORKBOOK_MAX_ANSWER_CHARS) > 0 ? Math.floor(Number(env.WORKBOOK_MAX_ANSWER_CHARS)) : 160);

/**
 * Masks secrets and personal data in every log record's body before any
 * exporter sees it: instrumentation-openai puts message content there when
 * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true.
 */
export class RedactingLogProcessor implements LogRecordProcessor {
  onEmit(record: SdkLogRecord): void {
    // TODO(2): Redact the record's body (lesson 12's detectors, through redactLogBody()).
    // #region TODO(2) solution
    // The SDK calls the processors in order and makes the record read-only only
    // after the last one (sdk-logs 0.223.0 under sdk-node, Logger.js emit()):
    // a processor placed before the exporting one can still change it.
    if (record.body !== undefined) record.setBody(redactLogBody(record.body));
    // #endregion
    // #region TODO(2) exercise
    // void record; // passes every body through as it is
    // #endregion
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The body of the service's instrumentation file (shared/agent-service/instrument.ts calls it). */
export function startInstrumentation(env: Record<string, string | undefined> = process.env): NodeSDK {
  // Lesson 13, task 1: the ESM hook first, so modules imported later can be patched.
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
  const instrumentations: Instrumentation[] = [new HttpInstrumentation(), new UndiciInstrumentation()];
  let openAI: OpenAIInstrumentation | undefined;
  // TODO(1): Add the OpenAI client's instrumentation.
  // #region TODO(1) solution
  // It patches OpenAI.Chat.Completions.prototype.create when `openai` is
  // loaded, and `openai` is loaded only after this runs (shared/llm-client/
  // client.ts imports it on the first call). It reads
  // OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT itself (default off).
  openAI = new OpenAIInstrumentation();
  instrumentations.push(openAI);
  // #endregion
  // #region TODO(1) exercise
  // // Only HTTP and fetch: the agent's model call is a POST like any other.
  // #endregion

  const sdk = new NodeSDK({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME, [ATTR_SERVICE_VERSION]: SERVICE_VERSION })),
    instrumentations,
    spanProcessors: spanProcessorsFromEnv(env),
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    // Values from the network (gen_ai.response.id and .model, error messages) land on the
    // instrumentation's spans as they came: cap every attribute value (lesson 12's span
    // limits), unless the operator chose a limit. The limit given here would beat the variable.
    ...(env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT || env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT ? {} : { spanLimits: { attributeValueLengthLimit: 1024 } }),
    // TODO(2): Give NodeSDK a LoggerProvider pipeline: the redacting processor
    //          first, then the exporters OTEL_LOGS_EXPORTER names.
    // #region TODO(2) solution
    // instrumentation-openai 0.21.0 emits prompts and answers as log records
    // (event.name gen_ai.user.message, gen_ai.choice, ...), never as span
    // attributes. Without log record processors NodeSDK has nowhere to send them.
    logRecordProcessors: [new RedactingLogProcessor(), ...logRecordProcessorsFromEnv(env)],
    // #endregion
    // #region TODO(2) exercise
    // logRecordProcessors: [], // no LoggerProvider pipeline: the instrumentation's events go nowhere
    // #endregion
  });
  sdk.start();
  // TODO(2): Hand the instrumentation the LoggerProvider NodeSDK has just registered.
  // #region TODO(2) solution
  // Measured here: without this line no log record arrives. The instrumentation
  // took its logger in its constructor (@opentelemetry/instrumentation 0.223.0,
  // build/src/instrumentation.js), before start() registered the provider, from
  // its own copy of @opentelemetry/api-logs (npm installed one under
  // @opentelemetry/instrumentation and another under @opentelemetry/sdk-node),
  // and NodeSDK's start() calls registerInstrumentations() without a
  // loggerProvider (sdk-node 0.223.0, build/src/sdk.js).
  openAI?.setLoggerProvider(logs.getLoggerProvider());
  // #endregion

  // Lesson 13, task 4: flush on SIGTERM, then exit.
  process.once("SIGTERM", () => {
    sdk
      .shutdown()
      .catch((error: unknown) => console.error(`telemetry shutdown failed: ${String(error)}`))
      .finally(() => process.exit(0));
  });
  return sdk;
}

/** The agent's step: one streamed chat completion, read until it ends or the answer budget is spent. */
export async function runAgentStep(question: string, model: string, modelUrl: string): Promise<AgentAnswer> {
  const tracer = trace.getTracer(TRACER_NAME);
  const client = await openAIClient(modelUrl);
  const budget = answerBudget();
  return tracer.startActiveSpan(
    `invoke_agent ${AGENT_NAME}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { [ATTR_GEN_AI_OPERATION_NAME]: "invoke_agent", [ATTR_GEN_AI_AGENT_NAME]: AGENT_NAME, [ATTR_GEN_AI_REQUEST_MODEL]: model },
    },
    async (span) => {
      const started = performance.now();
      let answer = "";
      let usage: CompletionUsage | undefined;
      let truncated = false;
      try {
        const stream = await client.chat.completions.create({
          model,
          messages: [{ role: "user", content: question }],
          stream: true,
          // TODO(3): Ask for the usage chunk at the end of the stream.
          // #region TODO(3) solution
          // Without it a streamed reply carries no token counts at all (the
          // OpenAI API sends them in one last chunk with empty `choices`).
          stream_options: { include_usage: true },
          // #endregion
        });
        let chunks = 0;
        for await (const chunk of stream) {
          chunks += 1;
          // TODO(3): Record the time to the first chunk, and the usage from the final chunk.
          // #region TODO(3) solution
          // Measured from the request, in seconds: what the user waits before
          // the first word appears. The span's duration is the whole stream.
          if (chunks === 1) span.setAttribute(ATTR_TIME_TO_FIRST_CHUNK, (performance.now() - started) / 1000);
          if (chunk.usage) usage = chunk.usage;
          // #endregion
          answer += chunk.choices[0]?.delta?.content ?? "";
          // TODO(4): Stop reading once the answer reaches the budget: mark the
          //          span, abort the stream's connection, leave the loop.
          // #region TODO(4) solution
          // The model keeps generating (and billing) for as long as the
          // connection is open. break alone returns openai's iterator, whose
          // finally aborts the request (openai 6.30.1, core/streaming.ts);
          // abort() says so explicitly. Not an error: the agent chose to stop.
          if (answer.length >= budget) {
            truncated = true;
            span.setAttribute(ATTR_ANSWER_TRUNCATED, true);
            stream.controller.abort();
            break;
          }
          // #endregion
        }
        // A 200 whose body is not a stream (fake-garbage) gives no chunk at all, and no error from the client.
        if (chunks === 0) throw new ModelCallError("the model server's answer held no stream chunks (is it an OpenAI-compatible endpoint?)", "invalid_response");
        // TODO(3): Put the token usage on your span.
        // #region TODO(3) solution
        if (usage) span.setAttributes({ [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.prompt_tokens, [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.completion_tokens });
        // #endregion
        // #region TODO(4) exercise
        // // Reads the whole stream, then cuts: every token past the budget is generated and paid for.
        // if (answer.length > budget) truncated = true;
        // #endregion
        return {
          answer: printable(answer.slice(0, budget), budget),
          model,
          usage: { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 },
          ...(truncated ? { truncated } : {}),
        };
      } catch (error) {
        const failure = modelFailure(error, modelUrl);
        recordSpanError(span, failure);
        throw failure;
      } finally {
        // Every path ends here: a full stream, a break, an error thrown mid-stream.
        span.end();
      }
    },
  );
}

const QUESTIONS = [
  { question: "Plan a three-day trip to Lisbon for ana@example.com" },
  {
    question:
      "Plan a two-week rail journey from Lisbon to Istanbul, with a night train wherever there is one, a rest day every fourth day, and a budget line per city",
  },
  { question: "And a backup plan?", model: "fake-broken" },
];

async function main(): Promise<void> {
  // Both processes write every span to one file, drawn as one tree at the end (child-telemetry.ts).
  const children = childTelemetry("lesson-14");
  const { traceFile, env } = children;
  // The agent's log records (the instrumentation's events) come here, unless OTEL_LOGS_EXPORTER says otherwise.
  const logs = await startOtlpReceiver();
  const logEnv = process.env.OTEL_LOGS_EXPORTER
    ? {}
    : { OTEL_LOGS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${logs.baseEndpoint}/v1/logs`, OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/json" };
  // 20 ms between chunks, as a real model streams: long enough to see the abandoned stream cut short.
  const modelServer = await startModelServer({ env: { ...env, WORKBOOK_MODEL_CHUNK_DELAY_MS: "20" } });
  try {
    const agent = await startAgentService({ module: fileURLToPath(import.meta.url), modelUrl: modelServer.url, env: { ...env, ...logEnv } });
    try {
      for (const body of QUESTIONS) {
        const res = await fetch(`${agent.url}/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const reply = (await res.json()) as { answer?: string; error?: string; truncated?: boolean };
        const answer = reply.answer === undefined ? reply.error : `${reply.answer}${reply.truncated ? " [cut at the answer budget]" : ""}`;
        console.log(`POST /ask ${JSON.stringify(printable(body.question, 50))} → ${res.status} ${printable(answer, 240)}`);
      }
    } finally {
      await agent.stop(); // SIGTERM: the agent flushes its spans and log records, then exits
    }
  } finally {
    await modelServer.stop();
    await logs.close();
  }
  printTraceFile(traceFile);
  const records = logs.logRecords();
  if (records.length > 0) console.log(`log records from the agent (${records.length}):`);
  for (const record of records.slice(0, 8)) {
    console.log(`  ${printable(record.attributes["event.name"], 40)} on span ${printable(record.spanId, 16)}: ${printable(record.body, 160)}`);
  }
  for (const line of whatIsMissing(readSpanRecords(traceFile), records.length)) console.log(line);
  children.remove();
}

/** One line per symptom the run shows, each pointing at the TODO that fixes it. */
function whatIsMissing(spans: SpanRecord[], logRecords: number): string[] {
  const agentSpans = spans.filter((span) => span.service !== "model-server");
  const lines: string[] = [];
  const chat = agentSpans.some((span) => span.scope === "@opentelemetry/instrumentation-openai");
  if (!chat) lines.push("→ no chat span from @opentelemetry/instrumentation-openai: the model call is just a POST. See TODO(1).");
  if (chat && logRecords === 0 && !process.env.OTEL_LOGS_EXPORTER) {
    lines.push("→ no log records arrived: instrumentation-openai emits its GenAI events through the Logs API, and NodeSDK has no log record processor. See TODO(2).");
  }
  if (!process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT) {
    lines.push("→ message content is off (the default). OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true puts it on the log records, redacted.");
  }
  const agent = agentSpans.filter((span) => span.name === `invoke_agent ${AGENT_NAME}`);
  if (agent.length > 0 && !agent.some((span) => span.attributes[ATTR_TIME_TO_FIRST_CHUNK] !== undefined)) {
    lines.push(`→ "invoke_agent ${AGENT_NAME}" has no ${ATTR_TIME_TO_FIRST_CHUNK} and no token usage for the streamed answers. See TODO(3).`);
  }
  const served = spans.filter((span) => span.service === "model-server" && span.attributes["gen_ai.request.model"] === "gpt-4o-mini");
  if (served.length >= 2 && !served.some((span) => span.events.some((event) => event.name === "client_disconnected"))) {
    lines.push("→ the model server streamed the long answer to its end although the agent kept only the first characters. See TODO(4).");
  }
  return lines;
}

runMain(import.meta.url, main);
