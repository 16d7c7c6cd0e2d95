/**
 * The agent's one model call, over real HTTP with fetch (undici), in the
 * OpenAI Chat Completions format the model server speaks. Every way it can
 * fail becomes a ModelCallError with a clear line for the caller and a short,
 * low-cardinality `code` that recordSpanError() puts in `error.type`
 * ("timeout", "ECONNREFUSED", "500", "invalid_response": the GenAI
 * conventions' examples for error.type are of this kind).
 * Nothing from the network reaches a message unbounded or unprintable.
 */
import { printable } from "../privacy/printable.ts";
import type { AgentAnswer } from "./app.ts";

export class ModelCallError extends Error {
  override name = "ModelCallError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const MAX_RESPONSE_CHARS = 1_000_000;
/** How long the agent waits for the model: WORKBOOK_MODEL_TIMEOUT_MS, default 10 s. */
export const modelTimeoutMs = (env = process.env) => Number(env.WORKBOOK_MODEL_TIMEOUT_MS) > 0 ? Number(env.WORKBOOK_MODEL_TIMEOUT_MS) : 10_000;

export async function callModel(modelUrl: string, model: string, question: string): Promise<AgentAnswer> {
  const where = printable(modelUrl, 100);
  const timeoutMs = modelTimeoutMs();
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${modelUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: question }] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (error) {
    const err = error as { name?: string; cause?: { code?: unknown } };
    if (err.name === "TimeoutError") {
      throw new ModelCallError(`the model server at ${where} did not answer within ${timeoutMs} ms (WORKBOOK_MODEL_TIMEOUT_MS)`, "timeout");
    }
    const code = typeof err.cause?.code === "string" ? printable(err.cause.code, 40) : "_OTHER";
    throw new ModelCallError(`the model server at ${where} is unreachable (${code}): is it running?`, code);
  }
  if (text.length > MAX_RESPONSE_CHARS) throw new ModelCallError(`the model server answered with more than ${MAX_RESPONSE_CHARS} characters`, "invalid_response");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ModelCallError(`the model server answered ${res.status} with a body that is not JSON: ${printable(text, 80)}`, "invalid_response");
  }
  if (!res.ok) {
    const message = (body as { error?: { message?: unknown } })?.error?.message;
    throw new ModelCallError(`the model server answered ${res.status}: ${printable(message ?? text, 200)}`, String(res.status));
  }
  const reply = body as { model?: unknown; choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
  const content = reply.choices?.[0]?.message?.content;
  const input = reply.usage?.prompt_tokens;
  const output = reply.usage?.completion_tokens;
  if (typeof content !== "string" || typeof input !== "number" || typeof output !== "number") {
    throw new ModelCallError("the model server's answer has no choices[0].message.content or usage", "invalid_response");
  }
  return { answer: content, model: printable(reply.model ?? model, 64), usage: { inputTokens: input, outputTokens: output } };
}
