/**
 * The docs server against hostile requests: any page open in the reader's
 * browser can send them to 127.0.0.1. Each case once ended the server or
 * served what it should not.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DocsServeError, parsePort, serveSite, startDocsServer } from "../serve.ts";

const dir = mkdtempSync(join(tmpdir(), "docs-serve-"));
let server: Server;
let port: number;

before(async () => {
  writeFileSync(join(dir, "index.html"), "<h1>home</h1>");
  mkdirSync(join(dir, "lessons"));
  writeFileSync(join(dir, "lessons", "index.html"), "<h1>lessons</h1>");
  server = await serveSite(dir, 0);
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request: the path is sent as written, not normalised by a URL parser. */
function send(method: string, path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("docs server: hostile requests", () => {
  it("answers 400 to a broken percent-encoding (GET /%), and keeps serving", async () => {
    for (const path of ["/%", "/%E0%A4%A", "/lessons/%zz"]) {
      assert.equal((await send("GET", path)).status, 400, `🚨 GET ${path} should be a 400`);
    }
    assert.equal((await send("GET", "/")).status, 200, "🚨 the server stopped serving after a malformed request");
  });

  it("serves GET and HEAD only", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const { status, headers, body } = await send(method, "/index.html");
      assert.equal(status, 405, `🚨 ${method} got ${status}`);
      assert.equal(headers.allow, "GET, HEAD");
      assert.ok(!body.includes("home"), `🚨 ${method} got the file`);
    }
    const head = await send("HEAD", "/index.html");
    assert.equal(head.status, 200);
    assert.equal(head.body, "");
    assert.equal(head.headers["content-length"], "13");
  });

  it("stays inside the site directory and refuses NUL bytes", async () => {
    assert.equal((await send("GET", "/..%2f..%2fetc%2fpasswd")).status, 403);
    assert.equal((await send("GET", "/index.html%00.png")).status, 404);
    assert.equal((await send("GET", "/lessons/")).body, "<h1>lessons</h1>");
  });

  it("does not echo control characters back", async () => {
    const { status, body } = await send("GET", "/%1b%5b2J%1b%5d0%3bpwned%07");
    assert.equal(status, 404);
    assert.ok(!/[\x00-\x1f\x7f]/.test(body.trimEnd()), `🚨 the 404 body carries raw control characters: ${JSON.stringify(body)}`);
  });
});

describe("docs server: the port", () => {
  it("rejects a port that is not a number, naming the variable", () => {
    for (const raw of ["abc", "80a", "-1", "65536", "1e3"]) {
      assert.throws(() => parsePort(raw), (error: Error) => error instanceof DocsServeError && /DOCS_PORT=.* is not a port number/.test(error.message));
    }
    assert.equal(parsePort("8081"), 8081);
    assert.equal(parsePort(undefined), undefined);
  });

  it("says a wanted port is taken, in one line, and falls back only when none was asked for", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      await assert.rejects(startDocsServer(dir, { DOCS_PORT: String(taken) }), (error: Error) => {
        assert.ok(error instanceof DocsServeError, `🚨 expected a DocsServeError, got ${error.name}`);
        assert.match(error.message, new RegExp(`port ${taken} on 127.0.0.1 is already in use`));
        assert.ok(!error.message.includes("\n    at "), "🚨 the message carries a stack");
        return true;
      });
    } finally {
      blocker.close();
    }
  });
});
