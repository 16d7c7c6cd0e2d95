/** The agent domain: a fake LLM, its GenAI instrumentation, and agents built on it. */
export {
  FakeLLM,
  LlmError,
  RateLimitError,
  LlmTimeoutError,
  countTokens,
  LATENCY_ENV_VAR,
} from "./fake-llm.ts";
export type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  FailureKind,
  FakeLLMOptions,
  LlmErrorCode,
} from "./fake-llm.ts";
export { tracedChat, FAKE_PROVIDER_NAME } from "./traced-llm.ts";
export type { TracedChatOptions } from "./traced-llm.ts";
export { Agent, TracedAgent } from "./agent.ts";
export type { AgentOptions, AgentReply, TracedAgentOptions } from "./agent.ts";
export { errorTypeOf, recordSpanError } from "./record-error.ts";
export { INSTRUMENTATION_SCOPE } from "./scope.ts";
// The unstable GenAI names (copied, as the semantic-conventions README advises): import them from here.
export * from "./gen-ai-names.ts";
