/**
 * The attributes the semantic conventions ask for "at span creation time",
 * because a sampler runs when the span starts and sees only the attributes
 * passed to startSpan()/startActiveSpan(). Each list is copied from the
 * conventions' own text ("The following attributes can be important for
 * making sampling decisions and SHOULD be provided **at span creation time**"):
 *
 * - GenAI: open-telemetry/semantic-conventions-genai at commit 002c8a6e
 *   (docs/gen-ai/gen-ai-spans.md: Inference and Execute tool spans;
 *   docs/gen-ai/gen-ai-agent-spans.md: create_agent, invoke_agent (client and
 *   internal), invoke_workflow and plan spans). Operations whose span we did
 *   not check (embeddings, retrieval, memory) get the one name every list has.
 * - HTTP: open-telemetry/semantic-conventions at 384d6616 (v1.44.0+22),
 *   docs/http/http-spans.md, HTTP client span and HTTP server span.
 *   (`http.route` is not in the server list: the same page says it MUST be
 *   set at creation only "if and only if it's already available".)
 */
import { SpanKind, type Attributes } from "@opentelemetry/api";

export const CONVENTION_SOURCES = {
  genAi: "semantic-conventions-genai docs/gen-ai/gen-ai-spans.md and gen-ai-agent-spans.md",
  http: "semantic-conventions 1.44 docs/http/http-spans.md",
} as const;

/** gen-ai-spans.md, Inference: operation, provider, model, server. */
const GEN_AI_INFERENCE = ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "server.address", "server.port"];
/** gen-ai-agent-spans.md, create_agent / invoke_agent: the same plus the agent's name (the internal invoke_agent span lists no server.*). */
const GEN_AI_AGENT = [...GEN_AI_INFERENCE, "gen_ai.agent.name"];
/** Execute tool, invoke_workflow, plan: only the operation. */
const GEN_AI_OPERATION_ONLY = ["gen_ai.operation.name"];

function genAiKeys(operation: unknown): string[] {
  switch (operation) {
    case "chat":
    case "text_completion":
    case "generate_content":
      return GEN_AI_INFERENCE;
    case "create_agent":
    case "invoke_agent":
      return GEN_AI_AGENT;
    default:
      return GEN_AI_OPERATION_ONLY;
  }
}
const HTTP_CLIENT = ["http.request.method", "server.address", "server.port", "url.full"];
const HTTP_SERVER = [
  "client.address",
  "http.request.method",
  "server.address",
  "server.port",
  "url.path",
  "url.query",
  "url.scheme",
  "user_agent.original",
];
/** The server list also names `http.request.header.<key>`: every request header attribute. */
const HTTP_SERVER_PREFIX = "http.request.header.";

export interface SamplingRule {
  /** Which conventions the span falls under, for the message. */
  source: string;
  isSamplingRelevant(key: string): boolean;
}

/**
 * The rules for a span as it ended: what kind of span it is comes from the
 * attributes it carries at the end (a span whose `gen_ai.operation.name`
 * arrived late is still a GenAI span, and that late arrival is the mistake).
 */
export function samplingRules(kind: SpanKind, attributes: Attributes): SamplingRule[] {
  const rules: SamplingRule[] = [];
  const operation = attributes["gen_ai.operation.name"];
  if (operation !== undefined) {
    const keys = genAiKeys(operation);
    rules.push({ source: CONVENTION_SOURCES.genAi, isSamplingRelevant: (key) => keys.includes(key) });
  }
  if (attributes["http.request.method"] !== undefined) {
    if (kind === SpanKind.CLIENT) {
      rules.push({ source: CONVENTION_SOURCES.http, isSamplingRelevant: (key) => HTTP_CLIENT.includes(key) });
    } else if (kind === SpanKind.SERVER) {
      rules.push({
        source: CONVENTION_SOURCES.http,
        isSamplingRelevant: (key) => HTTP_SERVER.includes(key) || key.startsWith(HTTP_SERVER_PREFIX),
      });
    }
  }
  return rules;
}
