/**
 * The HTTP part every test receiver shares: listen on 127.0.0.1 (port 0, so
 * tests never collide), read the body, answer, and misbehave on request the
 * way real backends do. Faults:
 *   - { status: 503 }  answers every POST with that status;
 *   - { hang: true }   accepts the connection, reads the request, never answers;
 *   - { delayMs: n }   answers correctly, n ms late (a slow backend);
 *   - { responseBody } answers with this body instead of its own (e.g. 10 MB after a 200).
 * A backend that is down is simply a receiver you have closed: its port
 * refuses connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Fault {
  status?: number;
  hang?: boolean;
  delayMs?: number;
  responseBody?: string;
}

export interface Answer {
  status: number;
  body?: string;
  contentType?: string;
}

export interface HttpReceiver {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  /** Requests received (whatever the answer), so a test can tell "never connected" from "rejected". */
  requestCount(): number;
  /** Change the behaviour of later requests. */
  setFault(fault: Fault): void;
  /** Stops listening and drops open connections, including hung ones. */
  close(): Promise<void>;
}

export async function startHttpReceiver(
  handle: (request: IncomingMessage, body: Buffer) => Answer,
  fault: Fault = {},
): Promise<HttpReceiver> {
  let current = fault;
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests += 1;
      if (current.hang) return; // the connection stays open, unanswered
      let answer = current.status ? { status: current.status, body: "fault injected by the test receiver" } : handle(request, Buffer.concat(chunks));
      if (current.responseBody !== undefined) answer = { ...answer, body: current.responseBody };
      if (!current.delayMs) return reply(response, answer);
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply(response, answer);
      }, current.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requestCount: () => requests,
    setFault(next) {
      current = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function reply(response: ServerResponse, { status, body = "", contentType = "text/plain" }: Answer): void {
  response.writeHead(status, { "content-type": contentType }).end(body);
}

/**
 * Waits until `condition()` holds, polling; fails with `message` after a
 * generous deadline. For UDP, whose datagrams arrive a moment after send().
 */
export async function waitUntil(condition: () => boolean, message: string, deadlineMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > deadlineMs) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
