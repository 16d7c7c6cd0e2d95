/**
 * `tracedChat()`: what a GenAI instrumentation library (for OpenAI, Anthropic,
 * …) does around every model call, following the OpenTelemetry GenAI semantic
 * conventions — one CLIENT span per call plus two histograms.
 *
 * It only touches the OpenTelemetry API. Which SDK, exporter or sampler the
 * application registered is none of its business.
 */
import { SpanKind, type Attributes, type Histogram, type Meter, type Tracer } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
// The gen_ai.* names: copied into gen-ai-names.ts, as the semantic-conventions
// package advises for unstable names (its incubating gen_ai.* constants are
// deprecated since they moved to the semantic-conventions-genai repository).
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from "./gen-ai-names.ts";
import type { ChatRequest, ChatResponse, FakeLLM } from "./fake-llm.ts";
import { errorTypeOf, recordSpanError } from "./record-error.ts";
import { defaultMeter, defaultTracer } from "./scope.ts";
import { BoundedVocabulary, printable } from "../privacy/printable.ts";

// The model name can come from a request body (lesson 03's server): in span
// names and metric attributes it is bounded to a vocabulary, so a client
// sending a new name per request cannot mint unbounded span names and metric
// streams; on the span attribute it is bounded in length and made printable.
const models = new BoundedVocabulary();

/**
 * `gen_ai.provider.name` for the fake model. Real providers have well-known
 * values ("openai", "anthropic", "aws.bedrock", "gcp.gemini", …) that backends
 * recognise; a provider the conventions do not list uses its own name.
 */
export const FAKE_PROVIDER_NAME = "fake";

export interface TracedChatOptions {
  /** Defaults to the global tracer provider's tracer for "workbook.agents". */
  tracer?: Tracer;
  /** Defaults to the global meter provider's meter for "workbook.agents". */
  meter?: Meter;
}

export async function tracedChat(llm: FakeLLM, request: ChatRequest, options: TracedChatOptions = {}): Promise<ChatResponse> {
  const tracer = options.tracer ?? defaultTracer();
  const model = models.name(request.model);
  const { tokenUsage, duration } = instrumentsFor(options.meter ?? defaultMeter());

  // Known before the call: set at start, so a sampler can see them too.
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_PROVIDER_NAME]: FAKE_PROVIDER_NAME,
    [ATTR_GEN_AI_REQUEST_MODEL]: printable(request.model, 128),
  };
  if (request.maxTokens !== undefined) attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = request.maxTokens;
  if (request.temperature !== undefined) attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = request.temperature;

  // Metric attributes: the low-cardinality subset. No ids, no user data.
  const metricAttributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_PROVIDER_NAME]: FAKE_PROVIDER_NAME,
    [ATTR_GEN_AI_REQUEST_MODEL]: model,
  };

  // Span name per the conventions: "{gen_ai.operation.name} {gen_ai.request.model}".
  // startActiveSpan makes it a child of whatever span is active (the agent's),
  // and makes it the active one while the call runs.
  return tracer.startActiveSpan(
    `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${model}`,
    { kind: SpanKind.CLIENT, attributes },
    async (span) => {
      const startedAt = performance.now();
      try {
        const response = await llm.chat(request);
        // Deliberately absent: the prompt and the completion text. They are user
        // data (personal, confidential, large); instrumentations record them only
        // when the operator opts in. A later lesson teaches that switch.
        span.setAttributes({
          [ATTR_GEN_AI_RESPONSE_ID]: response.id,
          [ATTR_GEN_AI_RESPONSE_MODEL]: printable(response.model, 128),
          [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [response.finishReason],
          [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: response.usage.inputTokens,
          [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: response.usage.outputTokens,
        });
        metricAttributes[ATTR_GEN_AI_RESPONSE_MODEL] = models.name(response.model);
        tokenUsage.record(response.usage.inputTokens, { ...metricAttributes, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT });
        tokenUsage.record(response.usage.outputTokens, { ...metricAttributes, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT });
        return response;
      } catch (err) {
        recordSpanError(span, err);
        // Failed calls count in the duration histogram too, told apart by error.type:
        // that is how an error rate is computed from this one metric.
        metricAttributes[ATTR_ERROR_TYPE] = errorTypeOf(err);
        throw err;
      } finally {
        duration.record((performance.now() - startedAt) / 1000, metricAttributes);
        // On every path: a span that is never ended is never exported.
        span.end();
      }
    },
  );
}

interface GenAiInstruments {
  tokenUsage: Histogram;
  duration: Histogram;
}

// Instruments are created once per meter, not per call. (The SDK would hand
// back the same stream for a duplicate, but creating them on every request is
// the kind of habit that costs in a hot path.)
const instrumentsByMeter = new WeakMap<Meter, GenAiInstruments>();

function instrumentsFor(meter: Meter): GenAiInstruments {
  let instruments = instrumentsByMeter.get(meter);
  if (!instruments) {
    instruments = {
      tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
        description: "Number of input and output tokens used per model call",
        unit: "{token}",
        // The bucket boundaries the GenAI conventions recommend; the SDK default
        // (0…10000 tuned for milliseconds) would put most token counts in few buckets.
        advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] },
      }),
      duration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
        description: "Duration of model calls",
        unit: "s",
        advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] },
      }),
    };
    instrumentsByMeter.set(meter, instruments);
  }
  return instruments;
}
