/**
 * The unstable semantic-convention names the agents use, copied here.
 *
 * Why a copy: `@opentelemetry/semantic-conventions` 1.45.0 marks every
 * `gen_ai.*` constant in its incubating entry point `@deprecated Moved to the
 * OpenTelemetry GenAI semantic conventions repository`, and its README
 * ("Unstable SemConv") advises instrumentation libraries not to import
 * `@opentelemetry/semantic-conventions/incubating` at runtime but to "copy
 * relevant definitions into their own code base". The names themselves are
 * current: each one below was checked against
 * open-telemetry/semantic-conventions-genai (status: Development) at commit
 * 002c8a6e (docs/gen-ai/gen-ai-spans.md, gen-ai-agent-spans.md) and 004902b8
 * (docs/gen-ai/gen-ai-metrics.md). Stable names (`error.type`,
 * `service.name`, ...) still come from the package's stable entry point.
 *
 * When the GenAI conventions change, review this file against that repository.
 */

// Span attributes (gen-ai-spans.md "Inference", gen-ai-agent-spans.md "Invoke agent").
export const ATTR_GEN_AI_OPERATION_NAME = "gen_ai.operation.name" as const;
export const ATTR_GEN_AI_PROVIDER_NAME = "gen_ai.provider.name" as const;
export const ATTR_GEN_AI_REQUEST_MODEL = "gen_ai.request.model" as const;
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens" as const;
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature" as const;
export const ATTR_GEN_AI_RESPONSE_ID = "gen_ai.response.id" as const;
export const ATTR_GEN_AI_RESPONSE_MODEL = "gen_ai.response.model" as const;
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons" as const;
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens" as const;
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens" as const;
export const ATTR_GEN_AI_CONVERSATION_ID = "gen_ai.conversation.id" as const;
export const ATTR_GEN_AI_AGENT_NAME = "gen_ai.agent.name" as const;
/** gen-ai-agent-spans.md "Invoke workflow span". */
export const ATTR_GEN_AI_WORKFLOW_NAME = "gen_ai.workflow.name" as const;
/** Opt-In: message content, likely to hold user data (gen-ai-spans.md, "Recording content on attributes"). */
export const ATTR_GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages" as const;
export const ATTR_GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages" as const;

// Well-known values of gen_ai.operation.name.
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = "chat" as const;
export const GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT = "invoke_agent" as const;
export const GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW = "invoke_workflow" as const;

// Metrics (gen-ai-metrics.md "Generative AI client metrics") and their token-type attribute.
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage" as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration" as const;
export const ATTR_GEN_AI_TOKEN_TYPE = "gen_ai.token.type" as const;
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = "input" as const;
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = "output" as const;

/**
 * Not GenAI, but the one other unstable name the agents use: `user.id`
 * (semantic-conventions registry, docs/registry/attributes/user.md, status
 * Development; experimental in the package's incubating entry point).
 */
export const ATTR_USER_ID = "user.id" as const;
