import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError, listen, postJson, readJson, type RunningServer } from "./index.ts";

let server: RunningServer;
let answer: (body: unknown) => { status: number; raw: string } = () => ({ status: 200, raw: "{}" });

before(async () => {
  server = await listen(async (req, res) => {
    let reply: { status: number; raw: string };
    try {
      reply = answer(await readJson(req));
    } catch (error) {
      reply = { status: error instanceof BadRequestError ? 400 : 500, raw: JSON.stringify({ error: (error as Error).message }) };
    }
    res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.raw);
  });
});
after(() => server.close());

describe("JSON over HTTP with hostile peers", () => {
  it("refuses a request body over 1 MB with a 400", async () => {
    const { status, body } = await postJson(server.url, { big: "x".repeat(1_100_000) });
    assert.equal(status, 400);
    assert.match(String((body as { error: string }).error), /larger than 1000000 bytes/);
  });

  it("refuses an answer over 1 MB instead of buffering it", async () => {
    answer = () => ({ status: 200, raw: JSON.stringify("y".repeat(5_000_000)) });
    await assert.rejects(postJson(server.url, {}), /answered with a body larger than 1000000 bytes/);
  });

  it("quotes a non-JSON answer escaped and short, and never the URL's password", async () => {
    answer = () => ({ status: 502, raw: `\x1b]0;pwned\x07${"z".repeat(10_000)}` });
    const url = server.url.replace("http://", "http://svc:hunter2@");
    await assert.rejects(postJson(url, {}), (error: Error) => {
      assert.doesNotMatch(error.message, /[\x00-\x1f\x7f-\x9f]/, "🚨 raw control characters in the error");
      assert.doesNotMatch(error.message, /hunter2/, "🚨 the password of the URL in the error");
      assert.ok(error.message.length < 400, `🚨 a ${error.message.length}-character error`);
      assert.match(error.message, /svc:\*\*\*@.* answered 502 with a body that is not JSON: \\x1b\]0;pwned\\x07z+…/);
      return true;
    });
  });
});
