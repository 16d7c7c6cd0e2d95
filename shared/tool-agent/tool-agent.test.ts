/**
 * The pieces under lesson 15's agent loop: the fake model's parallel tool
 * calls (wire format, pure) and the time limit for a tool that hangs.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { complete, parseChatRequest } from "../model-server/wire.ts";
import { TimeLimitError, withTimeLimit } from "./time-limit.ts";
import { chat } from "./chat.ts";

const tool = (name: string) => ({ type: "function", function: { name } });

describe("the fake model's tool calls", () => {
  it("calls one tool by default, every offered tool with parallel_tool_calls: true, each call with its own id", () => {
    const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "weather?" }], tools: [tool("a"), tool("b"), tool("c")] };
    const one = complete(parseChatRequest(body));
    assert.deepEqual(one.toolCalls.map((call) => call.function.name), ["a"], "🚨 without parallel_tool_calls the fake model should call the first tool only");
    const all = complete(parseChatRequest({ ...body, parallel_tool_calls: true }));
    assert.deepEqual(all.toolCalls.map((call) => call.function.name), ["a", "b", "c"], "🚨 parallel_tool_calls: true should call every offered tool");
    assert.equal(new Set(all.toolCalls.map((call) => call.id)).size, 3, "🚨 tool call ids must be unique within a turn");
    assert.equal(all.toolCalls[0]!.id, one.toolCalls[0]!.id, "🚨 the first call's id should not change with parallel_tool_calls");
    assert.equal(all.finishReason, "tool_calls");
  });
});

describe("withTimeLimit()", () => {
  it("passes a result through, and clears its timer", async () => {
    assert.equal(await withTimeLimit(async () => "done", 1000), "done");
  });

  it("rejects a hung task with code timeout at the limit, and aborts its signal", async () => {
    let aborted = false;
    const started = Date.now();
    const error = await withTimeLimit(
      (signal) =>
        new Promise<string>(() => {
          signal.addEventListener("abort", () => (aborted = true));
        }),
      50,
    ).catch((e: unknown) => e);
    assert.ok(error instanceof TimeLimitError && error.code === "timeout", `🚨 expected a TimeLimitError with code "timeout", got ${String(error)}`);
    assert.ok(aborted, "🚨 the hung task's signal was not aborted");
    assert.ok(Date.now() - started < 1000, "🚨 the time limit struck late");
  });
});

describe("chat() against a hostile model server", () => {
  it("an error body with line breaks, bidi controls and 50,000 characters reaches the error (and so the chat span's status) as one short printable line", async () => {
    const message = `bad request\n✓ Task 1 passed (a forged line)\u2028\u200e${"x".repeat(50_000)}`;
    const server = createServer((_req, res) => res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message } })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    try {
      const error = await chat(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, "gpt-4o-mini", [{ role: "user", content: "hi" }], []).catch((e: unknown) => e);
      const text = (error as Error).message;
      assert.match(text, /^the model answered 400: bad request/, `🚨 expected the model's 400 in the error, got ${JSON.stringify(String(text).slice(0, 80))}`);
      assert.doesNotMatch(text, /[\n\r\u2028\u2029\u200e]/, `🚨 a line break or bidi mark from the model server reached the error message: ${JSON.stringify(text.slice(0, 80))}`);
      assert.ok(text.length < 400, `🚨 ${text.length} characters of the model server's error body reached the error message`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
