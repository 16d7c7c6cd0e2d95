/**
 * The OpenAI Chat Completions wire format, the part the workbook's model
 * server speaks: request validation, replies, stream chunks and error bodies.
 * Pure functions, no I/O, deterministic: the same request gives the same
 * bytes (ids and `created` are derived from the request, not the clock).
 *
 * Shapes follow the OpenAI API reference for POST /v1/chat/completions
 * (https://platform.openai.com/docs/api-reference/chat) as the `openai` npm
 * client 6.x types them (node_modules/openai/resources/chat/completions).
 */
import { countTokens } from "../agents/fake-llm.ts";

export interface WireMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string | null;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}
export interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}
export interface WireTool {
  type: "function";
  function: { name: string; description?: string; parameters?: unknown };
}
export interface ChatCompletionRequest {
  model: string;
  messages: WireMessage[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens?: number;
  tools: WireTool[];
  /** `parallel_tool_calls: true`: the fake model then calls every offered tool in one turn (lesson 15). */
  parallelToolCalls?: boolean;
}
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}
export type FinishReason = "stop" | "length" | "tool_calls";

/** An OpenAI-style error: the HTTP status and the `{ error: {...} }` body. */
export class WireError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }
  body() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/**
 * The models this server knows. Three of them misbehave on purpose, so a
 * lesson can show what a failure looks like on a span without a real outage.
 */
export const MODELS = {
  "gpt-4o-mini": "answers",
  "gpt-4o": "answers",
  "fake-rate-limited": "answers 429 with retry-after",
  "fake-broken": "answers 500",
  "fake-garbage": "answers 200 with a body that is not JSON",
  "fake-slow": "answers after WORKBOOK_MODEL_SLOW_MS (default 3000 ms): a timeout to try",
} as const;
export type ModelName = keyof typeof MODELS;
export const isKnownModel = (name: string): name is ModelName => Object.hasOwn(MODELS, name);

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);
const MAX_MESSAGES = 200;

const bad = (message: string, param: string) => new WireError(400, message, "invalid_request_error", null, param);

/** Checks a parsed body the way the API does: the first problem, named by its `param`. */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new WireError(400, "We could not parse the JSON body of your request: expected an object.", "invalid_request_error");
  }
  const b = body as Record<string, unknown>;
  if (typeof b.model !== "string" || b.model.length === 0) throw bad("you must provide a model parameter", "model");
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw bad("'messages' must be a non-empty array", "messages");
  if (b.messages.length > MAX_MESSAGES) throw bad(`'messages' has more than ${MAX_MESSAGES} items`, "messages");
  const messages = b.messages.map((m, i): WireMessage => {
    const msg = m as Record<string, unknown> | null;
    if (typeof msg !== "object" || msg === null) throw bad(`messages[${i}] must be an object`, `messages[${i}]`);
    if (typeof msg.role !== "string" || !ROLES.has(msg.role)) {
      throw bad(`messages[${i}].role must be one of system, developer, user, assistant, tool`, `messages[${i}].role`);
    }
    const content = contentText(msg.content);
    if (content === undefined) throw bad(`messages[${i}].content must be a string or an array of text parts`, `messages[${i}].content`);
    return {
      role: msg.role as WireMessage["role"],
      content,
      ...(Array.isArray(msg.tool_calls) ? { tool_calls: msg.tool_calls as WireToolCall[] } : {}),
      ...(typeof msg.tool_call_id === "string" ? { tool_call_id: msg.tool_call_id } : {}),
    };
  });
  if (b.stream !== undefined && typeof b.stream !== "boolean") throw bad("'stream' must be a boolean", "stream");
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)) {
    throw bad("'max_tokens' must be a positive integer", "max_tokens");
  }
  if (b.tools !== undefined && !Array.isArray(b.tools)) throw bad("'tools' must be an array", "tools");
  const tools = ((b.tools as unknown[] | undefined) ?? []).map((t, i): WireTool => {
    const tool = t as { type?: unknown; function?: { name?: unknown } } | null;
    if (tool?.type !== "function" || typeof tool.function?.name !== "string") {
      throw bad(`tools[${i}] must be { type: "function", function: { name, ... } }`, `tools[${i}]`);
    }
    return tool as WireTool;
  });
  const streamOptions = b.stream_options as { include_usage?: unknown } | undefined;
  return {
    model: b.model,
    messages,
    stream: b.stream === true,
    includeUsage: streamOptions?.include_usage === true,
    ...(typeof maxTokens === "number" ? { maxTokens } : {}),
    tools,
    ...(b.parallel_tool_calls === true ? { parallelToolCalls: true } : {}),
  };
}

/** A message's text: a string, null (an assistant turn that only called tools), or OpenAI's text parts. */
function contentText(content: unknown): string | null | undefined {
  if (typeof content === "string" || content === null) return content;
  if (content === undefined) return null;
  if (Array.isArray(content)) {
    const parts = content.map((p) => (p && typeof p === "object" && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : undefined));
    return parts.every((p) => p !== undefined) ? parts.join("") : undefined;
  }
  return undefined;
}

export interface Completion {
  id: string;
  created: number;
  content: string | null;
  toolCalls: WireToolCall[];
  finishReason: FinishReason;
  usage: Usage;
}

/** FNV-1a, for ids and timestamps that depend on the request only. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The deterministic "model". With tools offered and no tool result yet, it
 * calls the first tool with the user's question; after a tool result it
 * answers from it; otherwise it answers the last user message.
 */
export function complete(request: ChatCompletionRequest): Completion {
  const key = JSON.stringify([request.model, request.messages, request.tools.map((t) => t.function.name)]);
  const h = hash(key);
  const id = `chatcmpl-${h.toString(16).padStart(8, "0")}`;
  const created = 1_767_225_600 + (h % 86_400); // 2026-01-01 plus up to a day: stable across runs
  const promptTokens = request.messages.reduce((sum, m) => sum + 4 + countTokens(m.content ?? ""), 0);
  const last = request.messages.at(-1)!;
  const question = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";

  if (request.tools.length > 0 && last.role !== "tool") {
    const args = JSON.stringify({ query: question.slice(0, 200) });
    // One tool, or with parallel_tool_calls every offered tool at once (ids stay unique per call).
    const chosen = request.parallelToolCalls ? request.tools : request.tools.slice(0, 1);
    return {
      id,
      created,
      content: null,
      toolCalls: chosen.map((tool, i) => ({
        id: i === 0 ? `call_${h.toString(36)}` : `call_${h.toString(36)}_${i}`,
        type: "function" as const,
        function: { name: tool.function.name, arguments: args },
      })),
      finishReason: "tool_calls",
      usage: usage(promptTokens, chosen.length * (6 + countTokens(args))),
    };
  }
  const answer =
    last.role === "tool"
      ? `According to ${"the tool"}, ${(last.content ?? "").slice(0, 200)}`
      : `Here is a short answer to "${question.slice(0, 120)}": plan it, do it, check it.`;
  const words = answer.split(" ");
  const limit = request.maxTokens;
  // max_tokens cuts the reply the way a real model does: finish_reason "length".
  const kept = limit !== undefined ? takeTokens(words, limit) : words;
  const content = kept.join(" ");
  return {
    id,
    created,
    content,
    toolCalls: [],
    finishReason: kept.length < words.length ? "length" : "stop",
    usage: usage(promptTokens, countTokens(content)),
  };
}

function takeTokens(words: string[], limit: number): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (countTokens([...out, word].join(" ")) > limit) break;
    out.push(word);
  }
  return out;
}

const usage = (prompt: number, completion: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

export function completionBody(model: string, c: Completion) {
  return {
    id: c.id,
    object: "chat.completion",
    created: c.created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: c.content,
          refusal: null,
          ...(c.toolCalls.length ? { tool_calls: c.toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: c.finishReason,
      },
    ],
    usage: c.usage,
  };
}

/**
 * The `data:` payloads of a streamed reply, in order: a role chunk, one chunk
 * per word (or the tool call), a chunk with finish_reason, then, when the
 * request asked for it (`stream_options: { include_usage: true }`), a last
 * chunk with empty `choices` and the `usage`, as OpenAI sends it. `[DONE]` ends the stream.
 */
export function streamChunks(model: string, c: Completion, includeUsage: boolean): string[] {
  const chunk = (choices: unknown[], extra: object = {}) =>
    JSON.stringify({ id: c.id, object: "chat.completion.chunk", created: c.created, model, choices, ...extra });
  const delta = (d: object, finish: FinishReason | null = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
  const out = [delta({ role: "assistant", content: c.toolCalls.length ? null : "", refusal: null })];
  if (c.toolCalls.length) {
    out.push(delta({ tool_calls: c.toolCalls.map((call, index) => ({ index, ...call })) }));
  } else {
    const words = (c.content ?? "").split(" ");
    words.forEach((word, i) => out.push(delta({ content: i === 0 ? word : ` ${word}` })));
  }
  out.push(delta({}, c.finishReason));
  if (includeUsage) out.push(chunk([], { usage: c.usage }));
  out.push("[DONE]");
  return out;
}
