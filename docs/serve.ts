/**
 * `npm run docs:serve`: serves docs/site/ on 127.0.0.1 (never on other
 * interfaces), building it first if needed. Port: DOCS_PORT or PORT, else
 * 8080, else any free port. The site works from file:// too; this is for
 * readers who prefer a URL.
 *
 * Any page in the reader's browser can send requests to 127.0.0.1, so every
 * request is treated as hostile: a malformed one gets a 4xx, never a crash
 * (`GET /%` used to end the server with URIError), only GET and HEAD are
 * served, and nothing outside the site directory is read.
 */
import { createReadStream, statSync, type Stats } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { printable } from "../shared/privacy/printable.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

function plain(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers }).end(body);
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined; // missing, or a name the file system refuses (a NUL byte)
  }
}

function handle(dir: string, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== "GET" && request.method !== "HEAD") {
    plain(response, 405, "method not allowed: this server only reads files\n", { allow: "GET, HEAD" });
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
  } catch {
    plain(response, 400, "bad request: the path is not valid percent-encoding\n");
    return;
  }
  // normalize + prefix check: "/../../etc/passwd" must not leave the site.
  let file = normalize(join(dir, path));
  if (file !== dir && !file.startsWith(dir + sep)) {
    plain(response, 403, "forbidden\n");
    return;
  }
  let stats = statOrUndefined(file);
  if (stats?.isDirectory()) {
    file = join(file, "index.html");
    stats = statOrUndefined(file);
  }
  if (!stats?.isFile()) {
    plain(response, 404, `not found: ${printable(path, 200)}\n`);
    return;
  }
  response.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": String(stats.size),
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  // A file that vanishes between stat and read (a rebuild) ends this response, not the server.
  createReadStream(file)
    .on("error", () => response.destroy())
    .pipe(response);
}

/** A static file server for `dir`, listening on 127.0.0.1:`port` (0: any free port). */
export function serveSite(dir: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    try {
      handle(dir, request, response);
    } catch {
      if (!response.headersSent) plain(response, 500, "internal error\n");
      else response.destroy();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** A problem the reader can fix, said in one line (no stack). */
export class DocsServeError extends Error {
  override name = "DocsServeError";
}

/** DOCS_PORT / PORT: a whole number 0..65535 (0 = any free port), or unset. */
export function parsePort(raw: string | undefined, variable = "DOCS_PORT"): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new DocsServeError(
      `🚨 ${variable}=${printable(raw, 40)} is not a port number. Use a whole number from 1 to 65535 (0 picks a free port), e.g. ${variable}=8081.`,
    );
  }
  return port;
}

/**
 * Listens on the wanted port; without one, on 8080 or else any free port.
 * A wanted port that cannot be had is an error that says which and why.
 */
export async function startDocsServer(dir: string, env: Record<string, string | undefined> = process.env): Promise<Server> {
  const variable = env.DOCS_PORT !== undefined ? "DOCS_PORT" : "PORT";
  const wanted = parsePort(env.DOCS_PORT ?? env.PORT, variable);
  try {
    return await serveSite(dir, wanted ?? 8080);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (wanted === undefined && code === "EADDRINUSE") return serveSite(dir, 0); // 8080 is taken: any free port will do
    if (code === "EADDRINUSE") {
      throw new DocsServeError(`🚨 port ${wanted} on 127.0.0.1 is already in use. Stop what is using it, or pick another: ${variable}=0 takes any free port.`);
    }
    if (code === "EACCES") {
      throw new DocsServeError(`🚨 not allowed to listen on port ${wanted} (ports below 1024 need privileges). Use ${variable}=8081 or another port above 1023.`);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  // Check the port before the (slow) build, so a typo fails at once.
  parsePort(process.env.DOCS_PORT ?? process.env.PORT, process.env.DOCS_PORT !== undefined ? "DOCS_PORT" : "PORT");
  const { SITE_DIR, buildDocs } = await import("./build.ts");
  if (!statOrUndefined(join(SITE_DIR, "index.html"))) await buildDocs();
  const server = await startDocsServer(SITE_DIR);
  const { port } = server.address() as AddressInfo;
  console.log(`Serving docs/site at http://127.0.0.1:${port}/  (Ctrl+C to stop; rebuild with npm run docs)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main().catch((error: unknown) => {
    console.error(error instanceof DocsServeError ? error.message : error);
    process.exitCode = 1;
  });
}
