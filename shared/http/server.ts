/**
 * `listen(handler)`: an HTTP server on 127.0.0.1 and a free port, with a
 * close() that really lets the process exit.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { printable } from "../privacy/printable.ts";

export interface RunningServer {
  /** e.g. "http://127.0.0.1:53211" */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export async function listen(handler: Handler): Promise<RunningServer> {
  const server = createServer((req, res) => {
    // A handler that throws must not take the process down or leave the caller waiting.
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        // One escaped line: the error may quote the request (a model name, a body).
        console.error(`http handler failed: ${printable(error instanceof Error ? error.message : String(error), 300)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  // Port 0: the system picks a free port, so parallel runs never collide.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // close() alone waits for idle keep-alive connections to time out.
        server.closeAllConnections();
      }),
  };
}
