/**
 * The official `openai` client (6.x) pointed at the workbook's model server,
 * and what its failures mean for the agent: one ModelCallError with a clear
 * line and a short `code` that recordSpanError() puts in `error.type`, the
 * same codes lesson 13's fetch-based callModel() uses ("500", "timeout",
 * "ECONNREFUSED", "invalid_response").
 *
 * `openai` is imported *lazily*, on purpose. An instrumentation patches a
 * module when it is loaded, and under ESM only through the loader hook
 * registered before that load. Lesson 14's file is imported by the
 * `--import` instrumentation file before startInstrumentation() runs: a
 * static `import OpenAI from "openai"` anywhere in that import graph loads
 * the client first, and instrumentation-openai never sees it (no chat span,
 * no error, no warning). Loading it on the first call, after the SDK has
 * started, is what the `--import` setup file does for a real app.
 */
import type OpenAI from "openai";
import { ModelCallError, modelTimeoutMs } from "../agent-service/call-model.ts";
import { printable } from "../privacy/printable.ts";

let loaded: Promise<typeof import("openai")> | undefined;

export async function openAIClient(modelUrl: string, env = process.env): Promise<OpenAI> {
  loaded ??= import("openai");
  const { default: Client } = await loaded;
  return new Client({
    baseURL: `${modelUrl}/v1`,
    // The model server needs no key unless WORKBOOK_MODEL_SERVER_API_KEY is set; the client insists on one.
    apiKey: env.WORKBOOK_MODEL_SERVER_API_KEY || "unused",
    // The client retries 408/409/429/5xx twice by default (openai 6.30.1, client.ts shouldRetry):
    // each retry is one more fetch under the same chat span. The lesson keeps one attempt per call.
    maxRetries: 0,
    timeout: modelTimeoutMs(env),
  });
}

/** Any error from the client (or from reading its stream) as the agent reports it. */
export function modelFailure(error: unknown, modelUrl: string): ModelCallError {
  if (error instanceof ModelCallError) return error;
  const where = printable(modelUrl, 100);
  const err = error as { status?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  const message = printable(err?.message, 200);
  // openai 6 sets no `name` on its errors (core/error.ts): the class is the reliable tag.
  switch ((error as object | undefined)?.constructor?.name) {
    case "APIConnectionTimeoutError":
      return new ModelCallError(`the model server at ${where} did not answer within ${modelTimeoutMs()} ms (WORKBOOK_MODEL_TIMEOUT_MS)`, "timeout");
    case "APIConnectionError": {
      const code = networkCode(error) ?? "_OTHER";
      return new ModelCallError(`the model server at ${where} is unreachable (${code}): is it running?`, code);
    }
  }
  if (typeof err?.status === "number") {
    return new ModelCallError(`the model server answered ${err.status}: ${message}`, String(err.status));
  }
  // A body or a stream chunk that is not what the API sends (SyntaxError from JSON.parse, and the like).
  return new ModelCallError(`the model server's answer is not a valid chat completion: ${message}`, "invalid_response");
}

/** The system error code (ECONNREFUSED, ENOTFOUND, ...) somewhere down the `cause` chain: openai wraps fetch's TypeError, which wraps it. */
function networkCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === "string" && /^E[A-Z_]{2,30}$/.test(current.code)) return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}
