/**
 * One model turn with tools, over real HTTP (fetch) in the OpenAI Chat
 * Completions format the workbook's model server speaks, traced as the GenAI
 * conventions' inference span: "chat {model}", CLIENT, the sampling-relevant
 * attributes at start, usage and finish reasons at the end. Lesson 15's
 * agent loop calls it; the chat span is not one of the lesson's tasks.
 * Everything from the network is bounded before it is used.
 */
import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import { printable } from "../privacy/printable.ts";
import type { WireMessage, WireTool, WireToolCall } from "../model-server/wire.ts";
import { FAKE_PROVIDER_NAME, recordSpanError } from "../agents/index.ts";

export type { WireMessage, WireTool, WireToolCall };

export class ChatError extends Error {
  override name = "ChatError";
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface ChatTurn {
  content: string | null;
  toolCalls: WireToolCall[];
  finishReason: string;
}

const MAX_RESPONSE_CHARS = 1_000_000;
const MAX_TOOL_CALLS = 16;

export async function chat(modelUrl: string, model: string, messages: WireMessage[], tools: WireTool[], timeoutMs = 10_000): Promise<ChatTurn> {
  const url = new URL(modelUrl);
  return trace.getTracer("workbook.tool-agent").startActiveSpan(
    `chat ${printable(model, 64)}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": FAKE_PROVIDER_NAME,
        "gen_ai.request.model": printable(model, 64),
        "server.address": url.hostname,
        "server.port": Number(url.port || 80),
      },
    },
    async (span) => {
      try {
        let res: Response;
        let text: string;
        try {
          // No fetch instrumentation in this process: the chat span's context goes in traceparent by hand.
          const headers: Record<string, string> = { "content-type": "application/json" };
          propagation.inject(context.active(), headers);
          res = await fetch(`${modelUrl}/v1/chat/completions`, {
            method: "POST",
            headers,
            body: JSON.stringify({ model, messages, ...(tools.length ? { tools, parallel_tool_calls: true } : {}) }),
            signal: AbortSignal.timeout(timeoutMs),
          });
          text = await res.text();
        } catch (error) {
          const err = error as { name?: string; cause?: { code?: unknown } };
          if (err.name === "TimeoutError") throw new ChatError(`the model did not answer within ${timeoutMs} ms`, "timeout");
          throw new ChatError(`the model server is unreachable: is it running?`, typeof err.cause?.code === "string" ? printable(err.cause.code, 40) : "_OTHER");
        }
        if (text.length > MAX_RESPONSE_CHARS) throw new ChatError(`the model answered more than ${MAX_RESPONSE_CHARS} characters`, "invalid_response");
        let body: { id?: unknown; choices?: { message?: { content?: unknown; tool_calls?: unknown }; finish_reason?: unknown }[]; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown }; error?: { message?: unknown } };
        try {
          body = JSON.parse(text);
        } catch {
          throw new ChatError(`the model answered ${res.status} with a body that is not JSON: ${printable(text, 80)}`, "invalid_response");
        }
        if (!res.ok) throw new ChatError(`the model answered ${res.status}: ${printable(body.error?.message ?? text, 200)}`, String(res.status));
        const choice = body.choices?.[0];
        const finishReason = printable(choice?.finish_reason ?? "", 32);
        const content = typeof choice?.message?.content === "string" ? choice.message.content : null;
        const calls = Array.isArray(choice?.message?.tool_calls) ? (choice.message.tool_calls as WireToolCall[]).slice(0, MAX_TOOL_CALLS) : [];
        const toolCalls = calls.map((call) => ({
          id: printable(call?.id ?? "", 64),
          type: "function" as const,
          function: { name: printable(call?.function?.name ?? "", 64), arguments: typeof call?.function?.arguments === "string" ? call.function.arguments.slice(0, 10_000) : "{}" },
        }));
        span.setAttributes({
          "gen_ai.response.id": printable(body.id ?? "", 64),
          "gen_ai.response.finish_reasons": [finishReason],
          ...(typeof body.usage?.prompt_tokens === "number" ? { "gen_ai.usage.input_tokens": body.usage.prompt_tokens } : {}),
          ...(typeof body.usage?.completion_tokens === "number" ? { "gen_ai.usage.output_tokens": body.usage.completion_tokens } : {}),
        });
        return { content, toolCalls, finishReason };
      } catch (error) {
        recordSpanError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
