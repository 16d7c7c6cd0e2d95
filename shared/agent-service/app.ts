/**
 * The agent service, as a team would already have it: plain node:http, one
 * route, and an agent step it calls per request. Nothing in here knows about
 * OpenTelemetry: lesson 13 instruments it from the outside (`node --import`),
 * then adds its own span inside the step it is given.
 *
 *   POST /ask  { "question": "...", "model"?: "gpt-4o-mini" }
 *     200 { "answer": "...", "model": "...", "usage": {...} }
 *     400 { "error": "..." }   the request is not what this route takes
 *     502 { "error": "..." }   the model server failed; the line says how
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface AgentAnswer {
  answer: string;
  model: string;
  usage: { inputTokens: number; outputTokens: number };
  /** Lesson 14: the agent stopped reading the model's stream at its answer budget. */
  truncated?: boolean;
}
export type AgentStep = (question: string, model: string) => Promise<AgentAnswer>;

const MAX_BODY_BYTES = 64 * 1024;
const MODEL_NAME = /^[\w.:-]{1,64}$/;

export function createAgentApp(step: AgentStep): Server {
  return createServer((req, res) => {
    handle(req, res, step).catch((error: unknown) => {
      // The step's errors are already on its span; the caller gets one clear line.
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) send(res, 502, { error: message.slice(0, 500) });
      else res.end();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, step: AgentStep): Promise<void> {
  if (req.url !== "/ask" || req.method !== "POST") return send(res, 404, { error: "POST /ask { question } is the only route" });
  const body = await readBody(req);
  if (typeof body === "string") return send(res, 400, { error: body });
  const { question, model = "gpt-4o-mini" } = body as { question?: unknown; model?: unknown };
  if (typeof question !== "string" || question.trim() === "" || question.length > 4000) {
    return send(res, 400, { error: "\"question\" must be a non-empty string of at most 4000 characters" });
  }
  if (typeof model !== "string" || !MODEL_NAME.test(model)) return send(res, 400, { error: "\"model\" must be a model name like gpt-4o-mini" });
  send(res, 200, await step(question, model));
}

/** The parsed body, or a string saying what is wrong with it. */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return `request body larger than ${MAX_BODY_BYTES} bytes`;
    chunks.push(chunk);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : "request body must be a JSON object";
  } catch {
    return "request body is not JSON";
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), connection: "close" });
  res.end(text);
}

export function listenOn(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}
