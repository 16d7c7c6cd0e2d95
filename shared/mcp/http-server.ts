/**
 * The tool server over Streamable HTTP (the MCP transport for a server in a
 * process of its own), on 127.0.0.1 and a free port, one session per server.
 * JSON responses instead of an SSE stream: a call then has exactly one HTTP
 * answer, so a server that dies mid-call fails the client's request at once
 * instead of leaving a half-open event stream behind.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createToolsServer, type WrapTool } from "./tools-server.ts";

export interface McpHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:40123/mcp */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY = 1_000_000;

export async function listenMcp(wrap?: WrapTool): Promise<McpHttpServer> {
  const mcp = createToolsServer(wrap);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), enableJsonResponse: true });
  await mcp.connect(transport);
  const server: Server = createServer((req, res) => {
    if ((req.url ?? "").split("?")[0] !== "/mcp") {
      res.writeHead(404, { "content-type": "text/plain" }).end("The MCP endpoint is /mcp\n");
      return;
    }
    // The SDK reads the body itself; a bounded length keeps a hostile client from filling memory.
    if (Number(req.headers["content-length"] ?? 0) > MAX_BODY) {
      res.writeHead(413, { "content-type": "text/plain", connection: "close" }).end(`request body over ${MAX_BODY} bytes\n`);
      return;
    }
    transport.handleRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      await mcp.close().catch(() => {});
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
