/**
 * A deterministic fake LLM: no network, no API key, no bill.
 *
 * The lessons need a model call that behaves like a real one where tracing
 * cares (it is asynchronous, takes time, reports token usage, sometimes fails)
 * and unlike a real one where tests care (the same seed gives the same answers,
 * ids and latencies, every time, on every machine).
 *
 * This file knows nothing about OpenTelemetry on purpose: it plays the part of
 * a vendor SDK. `traced-llm.ts` is the instrumentation that wraps it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { mulberry32 } from "../random.ts";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
}

export interface ChatResponse {
  id: string;
  model: string;
  content: string;
  finishReason: "stop" | "length";
  usage: { inputTokens: number; outputTokens: number };
}

export type FailureKind = "rate_limit" | "timeout";

export interface FakeLLMOptions {
  /** Seeds every pseudo-random choice (reply template, response ids, default latency). Default 42. */
  seed?: number;
  /** Fixed latency per call. Else env WORKBOOK_LLM_LATENCY_MS, else 5–15 ms picked by the seed. */
  latencyMs?: number;
  /**
   * Decide per call whether it fails, e.g. to make one agent in a group chat
   * hit a rate limit: `failWhen: (req) => req.model === "gpt-4" ? "rate_limit" : undefined`.
   * `callNumber` counts from 1 and includes failed calls.
   */
  failWhen?: (request: ChatRequest, callNumber: number) => FailureKind | undefined;
  /** What a RateLimitError asks the caller to wait. Small by default so retry lessons stay fast. */
  retryAfterMs?: number;
  /** How many recent requests `requests` keeps (default 100): a long-running server must not keep every body. */
  keepRequests?: number;
}

/** Characters of each message kept in `requests`; a request body can be up to 1 MB. */
const MAX_LOGGED_CONTENT_CHARS = 4096;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

export type LlmErrorCode = "rate_limit_exceeded" | "timeout";

/**
 * Base class of every failure the fake LLM produces.
 *
 * `code` matters beyond this file: the SDK's `span.recordException(err)` takes
 * the event's `exception.type` from `err.code` when the error has one (and only
 * falls back to `err.name` otherwise). So `code` must be a meaningful, stable,
 * low-cardinality value such as "rate_limit_exceeded" — it is also what the
 * instrumentation puts in `error.type`.
 */
export class LlmError extends Error {
  override readonly name: string = "LlmError";
  readonly code: LlmErrorCode;
  /** Whether trying again later can succeed (a retry lesson branches on this). */
  readonly retryable: boolean;

  constructor(code: LlmErrorCode, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable;
  }
}

/** The provider refused the call: too many requests (HTTP 429). */
export class RateLimitError extends LlmError {
  override readonly name = "RateLimitError";
  readonly status = 429;
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number) {
    super("rate_limit_exceeded", `Rate limit exceeded (429): retry after ${retryAfterMs} ms`, { retryable: true });
    this.retryAfterMs = retryAfterMs;
  }
}

/** The call took too long and the client gave up. */
export class LlmTimeoutError extends LlmError {
  override readonly name = "LlmTimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super("timeout", `LLM request timed out after ${timeoutMs} ms`, { retryable: true });
    this.timeoutMs = timeoutMs;
  }
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

// Han, kana and Hangul: one token per character (real tokenizers give CJK text
// roughly one token per character, and the seed guide is in Chinese).
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}`;
// Alternatives, in order: a CJK character; a run of other letters/digits (a
// word, with inner apostrophes as in "don't"); any other visible character
// (punctuation, symbols, emoji) on its own.
const TOKEN = new RegExp(String.raw`[${CJK}]|(?:(?![${CJK}])[\p{L}\p{N}_])+(?:'(?:(?![${CJK}])[\p{L}\p{N}_])+)*|\S`, "gu");

/** Each token with where it ends, so a reply can be cut after N tokens. */
function tokenize(text: string): { token: string; end: number }[] {
  return Array.from(text.matchAll(TOKEN), (m) => ({ token: m[0], end: m.index + m[0].length }));
}

/**
 * Counts tokens the fake way: every word (a run of letters/digits) is one
 * token, every punctuation mark or symbol is one token, every CJK character is
 * one token, whitespace is free. "Hello, world!" → 4; "你好，世界" → 5.
 * Deterministic and close enough to a real tokenizer for usage numbers to look
 * plausible.
 */
export function countTokens(text: string): number {
  return tokenize(text).length;
}

// ---------------------------------------------------------------------------
// Pseudo-randomness (the PRNG itself, mulberry32, is in shared/random.ts)
// ---------------------------------------------------------------------------

/** FNV-1a: folds a string into a 32-bit number, to seed a PRNG from a prompt. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

// ---------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------

const ENGLISH_TEMPLATES = [
  "Good question about {kw}. In short: start small, measure, then improve what the numbers point at.",
  "Here is my take on {kw}: it depends on the context, but the simplest approach usually wins.",
  "On {kw}, I would break the problem into steps and check each one before moving on.",
  "Thanks for asking about {kw}. The key trade-off is speed versus reliability; pick one to optimise first.",
  "Regarding {kw}: a good first step is to write down what success looks like.",
];

const CHINESE_TEMPLATES = [
  "关于「{kw}」，我的建议是：先从小处着手，测量之后再优化。",
  "「{kw}」是个好问题。简单来说，要看具体场景，最简单的方案往往最好。",
  "针对「{kw}」，可以把问题拆成几个步骤，逐一验证。",
  "谈到「{kw}」，关键在于速度与可靠性之间的取舍。",
];

const HAS_CJK = new RegExp(`[${CJK}]`, "u");
const CJK_RUN = new RegExp(`[${CJK}]{1,6}`, "u");

const STOPWORDS = new Set(["about", "could", "does", "from", "have", "should", "that", "there", "their", "this", "what", "when", "where", "which", "with", "would", "your"]);

/**
 * The word a reply echoes: the longest Latin word that is not a stopword (the
 * last one on a tie, since English questions tend to end on their subject),
 * else the first run of CJK characters.
 */
function keywordOf(text: string): string {
  const words = (text.match(/[A-Za-z][A-Za-z'-]{2,}/g) ?? []).filter((w) => !STOPWORDS.has(w.toLowerCase()));
  const longest = words.reduce((best, word) => (word.length >= best.length ? word : best), "");
  if (longest) return longest;
  return text.match(CJK_RUN)?.[0] ?? "that";
}

/** Cut `text` after its first `maxTokens` tokens. */
function truncateToTokens(text: string, maxTokens: number): string {
  if (maxTokens === 0) return "";
  const tokens = tokenize(text);
  return tokens.length <= maxTokens ? text : text.slice(0, tokens[maxTokens - 1]!.end);
}

// ---------------------------------------------------------------------------
// Latency
// ---------------------------------------------------------------------------

export const LATENCY_ENV_VAR = "WORKBOOK_LLM_LATENCY_MS";

function latencyFromEnv(): number | undefined {
  const raw = process.env[LATENCY_ENV_VAR];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw.trim())) {
    throw new Error(`${LATENCY_ENV_VAR}="${raw}" is not valid: expected a non-negative integer number of milliseconds (e.g. 0 or 50)`);
  }
  return Number(raw.trim());
}

function checkNonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

// ---------------------------------------------------------------------------
// The fake LLM
// ---------------------------------------------------------------------------

export class FakeLLM {
  private readonly seed: number;
  private readonly fixedLatencyMs: number | undefined;
  private readonly failWhen: FakeLLMOptions["failWhen"];
  private readonly retryAfterMs: number;
  // Separate streams, so that e.g. changing the latency setting does not change
  // which response ids or replies a test sees.
  private readonly nextIdRandom: () => number;
  private readonly nextLatencyRandom: () => number;
  private readonly queuedFailures: FailureKind[] = [];
  private readonly requestLog: ChatRequest[] = [];
  private readonly keepRequests: number;
  private callCount = 0;

  constructor(options: FakeLLMOptions = {}) {
    this.seed = options.seed ?? 42;
    this.fixedLatencyMs =
      options.latencyMs === undefined ? latencyFromEnv() : checkNonNegativeInteger(options.latencyMs, "latencyMs");
    this.failWhen = options.failWhen;
    this.retryAfterMs = checkNonNegativeInteger(options.retryAfterMs ?? 20, "retryAfterMs");
    this.keepRequests = checkNonNegativeInteger(options.keepRequests ?? 100, "keepRequests");
    this.nextIdRandom = mulberry32(this.seed);
    this.nextLatencyRandom = mulberry32(this.seed ^ 0x9e3779b9);
  }

  /** How many times chat() was called, failures included. */
  get calls(): number {
    return this.callCount;
  }

  /**
   * The most recent requests (at most `keepRequests`), in call order: copies,
   * so later edits by the caller don't show, with each message's content cut
   * at 4096 characters. Memory stays bounded however long the process serves.
   */
  get requests(): readonly ChatRequest[] {
    return this.requestLog;
  }

  /** Make the next `times` calls fail with `kind` (before any `failWhen` rule is consulted). */
  failNext(kind: FailureKind, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`failNext(): times must be a positive integer, got ${times}`);
    for (let i = 0; i < times; i++) this.queuedFailures.push(kind);
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    if (request.maxTokens !== undefined) checkNonNegativeInteger(request.maxTokens, "maxTokens");
    this.callCount += 1;
    this.requestLog.push({ ...request, messages: request.messages.map((m) => ({ ...m, content: m.content.slice(0, MAX_LOGGED_CONTENT_CHARS) })) });
    if (this.requestLog.length > this.keepRequests) this.requestLog.splice(0, this.requestLog.length - this.keepRequests);
    const callNumber = this.callCount;
    const failure = this.queuedFailures.shift() ?? this.failWhen?.(request, callNumber);

    // A 429 comes back at once; a timeout only after the caller has waited.
    if (failure === "rate_limit") {
      await nextTurn();
      throw new RateLimitError(this.retryAfterMs);
    }
    const latencyMs = this.fixedLatencyMs ?? 5 + Math.floor(this.nextLatencyRandom() * 11);
    await wait(latencyMs);
    if (failure === "timeout") throw new LlmTimeoutError(latencyMs);

    return this.respond(request);
  }

  private respond(request: ChatRequest): ChatResponse {
    const lastUser = request.messages.findLast((m) => m.role === "user")?.content ?? "";
    // The reply depends only on the seed and the prompt, not on call order, so
    // concurrent agents get the same answers however their calls interleave.
    const pick = mulberry32(hash32(lastUser, this.seed));
    const templates = HAS_CJK.test(lastUser) ? CHINESE_TEMPLATES : ENGLISH_TEMPLATES;
    const full = templates[Math.floor(pick() * templates.length)]!.replace("{kw}", keywordOf(lastUser));

    const limit = request.maxTokens;
    const fullTokens = countTokens(full);
    const truncated = limit !== undefined && fullTokens > limit;
    const content = truncated ? truncateToTokens(full, limit) : full;

    return {
      id: `chatcmpl-${Math.floor(this.nextIdRandom() * 0x1_0000_0000).toString(16).padStart(8, "0")}`,
      model: request.model,
      content,
      finishReason: truncated ? "length" : "stop",
      usage: {
        // Real APIs add a few tokens of per-message overhead; the fake keeps the sum plain so it is easy to check by hand.
        inputTokens: request.messages.reduce((sum, m) => sum + countTokens(m.content), 0),
        outputTokens: truncated ? limit : fullTokens,
      },
    };
  }
}

/** Even a "0 ms" model answers on a later turn of the event loop, as real I/O does; async-context bugs stay visible. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The timer is deliberately not unref()'d: a script that awaits an answer must
 * stay alive until it arrives. Nothing outlives the call: the timer is gone once it fires.
 */
function wait(ms: number): Promise<void> {
  return ms === 0 ? nextTurn() : sleep(ms);
}
