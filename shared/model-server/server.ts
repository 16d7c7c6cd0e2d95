/**
 * The model server's HTTP side: routes, auth, faults, streaming, and its own
 * SERVER span per request. It reads the caller's `traceparent` through the
 * global propagator, so its spans join the caller's trace; it knows nothing
 * about which SDK is installed (the process entry, main.ts, sets that up).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { BadRequestError, readJson, sendJson } from "../http/json.ts";
import { complete, completionBody, isKnownModel, MODELS, parseChatRequest, streamChunks, WireError } from "./wire.ts";
import { printable } from "../privacy/printable.ts";

export interface ModelServerOptions {
  /** When set, requests need `Authorization: Bearer <apiKey>` (401 otherwise), as the real API does. */
  apiKey?: string;
  /** Delay before the first byte of every answer (time to first token). Default 0. */
  latencyMs?: number;
  /** Delay between stream chunks. Default 1 ms. */
  chunkDelayMs?: number;
  /** How long "fake-slow" takes. Default 3000 ms. */
  slowMs?: number;
}

const tracer = () => trace.getTracer("workbook-model-server");

export function modelServerHandler(options: ModelServerOptions = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parent = propagation.extract(context.active(), req.headers);
    const path = (req.url ?? "/").split("?")[0]!;
    const route = path === "/v1/chat/completions" || path === "/v1/models" ? path : undefined;
    const method = printable(req.method, 16);
    await tracer().startActiveSpan(
      route ? `${method} ${route}` : method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "http.request.method": method,
          "url.path": printable(path, 200),
          ...(route ? { "http.route": route } : {}),
        },
      },
      parent,
      async (span) => {
        try {
          await answer(req, res, span, route, options);
        } catch (error) {
          const wire =
            error instanceof WireError
              ? error
              : error instanceof BadRequestError
                ? new WireError(400, `We could not parse the JSON body of your request: ${error.message}`, "invalid_request_error")
                : new WireError(500, "The server had an error while processing your request.", "server_error");
          if (!(error instanceof WireError || error instanceof BadRequestError)) span.recordException(error as Error);
          // A body we stopped reading (too large) leaves the connection unusable: do not offer it for reuse.
          if (!res.headersSent) sendError(res, wire, req.complete ? {} : { connection: "close" });
          else res.end();
        } finally {
          const status = res.statusCode;
          span.setAttribute("http.response.status_code", status);
          // HTTP semantic conventions: a SERVER span is an error for 5xx only; 4xx is the caller's mistake.
          if (status >= 500) {
            span.setAttribute("error.type", String(status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        }
      },
    );
  };
}

function sendError(res: ServerResponse, error: WireError, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, error.status, error.body());
}

async function answer(req: IncomingMessage, res: ServerResponse, span: Span, route: string | undefined, options: ModelServerOptions) {
  if (!route) throw new WireError(404, `Invalid URL (${printable(req.method, 16)} ${printable(req.url, 100)})`, "invalid_request_error");
  if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
    // Like the real API: name the problem, never echo the key that was sent.
    throw new WireError(401, "Incorrect API key provided. Pass it as `Authorization: Bearer <key>`.", "invalid_request_error", "invalid_api_key");
  }
  if (route === "/v1/models") {
    if (req.method !== "GET") throw new WireError(405, "Use GET /v1/models.", "invalid_request_error");
    sendJson(res, 200, { object: "list", data: Object.keys(MODELS).map((id) => ({ id, object: "model", created: 0, owned_by: "workbook" })) });
    return;
  }
  if (req.method !== "POST") throw new WireError(405, "Use POST /v1/chat/completions.", "invalid_request_error");

  const request = parseChatRequest(await readJson(req));
  span.setAttribute("gen_ai.request.model", printable(request.model, 100));
  if (!isKnownModel(request.model)) {
    throw new WireError(404, `The model \`${printable(request.model, 100)}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
  }
  if (options.latencyMs) await sleep(options.latencyMs);
  switch (request.model) {
    case "fake-rate-limited":
      sendError(res, new WireError(429, "Rate limit reached for requests. Please try again in 1s.", "requests", "rate_limit_exceeded"), {
        "retry-after": "1",
      });
      return;
    case "fake-broken":
      throw new WireError(500, "The server had an error while processing your request.", "server_error");
    case "fake-garbage":
      res.writeHead(200, { "content-type": "application/json" });
      res.end("<html>\u001b[31mnot json\u001b[0m</html>");
      return;
    case "fake-slow":
      await sleep(options.slowMs ?? 3000);
      break;
  }

  const completion = complete(request);
  span.setAttributes({
    "gen_ai.response.id": completion.id,
    "gen_ai.usage.input_tokens": completion.usage.prompt_tokens,
    "gen_ai.usage.output_tokens": completion.usage.completion_tokens,
  });
  if (!request.stream) {
    sendJson(res, 200, completionBody(request.model, completion));
    return;
  }
  let clientGone = false;
  res.once("close", () => (clientGone = !res.writableFinished));
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  for (const data of streamChunks(request.model, completion, request.includeUsage)) {
    // A client that walks away mid-stream: stop writing, and say so on the span.
    if (clientGone) {
      span.addEvent("client_disconnected");
      return;
    }
    res.write(`data: ${data}\n\n`);
    await sleep(options.chunkDelayMs ?? 1);
  }
  res.end();
}
