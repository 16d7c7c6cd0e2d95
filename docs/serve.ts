/**
 * `npm run docs:serve`: serves docs/site/ on 127.0.0.1 (never on other
 * interfaces), building it first if needed. Port: DOCS_PORT or PORT, else
 * 8080, else any free port. The site works from file:// too; this is for
 * readers who prefer a URL.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { SITE_DIR, buildDocs } from "./build.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/** A static file server for `dir`, listening on 127.0.0.1:`port` (0: any free port). */
export function serveSite(dir: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    // normalize + prefix check: "/../../etc/passwd" must not leave the site.
    let file = normalize(join(dir, path));
    if (file !== dir && !file.startsWith(dir + sep)) {
      response.writeHead(403).end("forbidden");
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

async function main(): Promise<void> {
  if (!existsSync(join(SITE_DIR, "index.html"))) await buildDocs();
  const wanted = process.env.DOCS_PORT ?? process.env.PORT;
  let server: Server;
  try {
    server = await serveSite(SITE_DIR, wanted ? Number(wanted) : 8080);
  } catch (error) {
    if (wanted || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    server = await serveSite(SITE_DIR, 0); // 8080 is taken: any free port will do
  }
  const { port } = server.address() as AddressInfo;
  console.log(`Serving docs/site at http://127.0.0.1:${port}/  (Ctrl+C to stop; rebuild with npm run docs)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
