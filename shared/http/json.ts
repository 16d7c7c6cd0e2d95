/**
 * JSON over node:http, in the few lines two services in a lesson need: read a
 * request body, send a reply, POST to another service.
 *
 * Nothing here knows about OpenTelemetry on purpose. The lessons do the
 * tracing (spans, inject, extract) themselves, where you can see it.
 */
import { request, type IncomingMessage, type ServerResponse } from "node:http";
import { displayUrl, printable } from "../privacy/printable.ts";

/** Bodies past this size are refused: a lesson's service should not buffer whatever it is sent. */
const MAX_BODY_BYTES = 1_000_000;

export class BadRequestError extends Error {
  override name = "BadRequestError";
}

/** The request body parsed as JSON; a BadRequestError when it is not JSON or too large. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequestError(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BadRequestError("request body is not JSON");
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * POST `body` as JSON with extra `headers` (e.g. traceparent) and read the JSON reply.
 * One connection per request (no keep-alive agent), so a finished lesson
 * leaves no idle socket behind to keep the process alive.
 */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          // The same bound as for requests: a service's answer is outside input too.
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            reject(new Error(`${displayUrl(url)} answered with a body larger than ${MAX_BODY_BYTES} bytes`));
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", reject);
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, body: raw === "" ? undefined : JSON.parse(raw) });
          } catch {
            // The other service's answer is outside input: bounded and escaped before it can reach a terminal.
            reject(new Error(`${displayUrl(url)} answered ${res.statusCode} with a body that is not JSON: ${printable(raw, 200)}`));
          }
        });
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}
