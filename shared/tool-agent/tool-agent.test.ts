/**
 * The pieces under lesson 15's agent loop: the fake model's parallel tool
 * calls (wire format, pure) and the time limit for a tool that hangs.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { complete, parseChatRequest } from "../model-server/wire.ts";
import { TimeLimitError, withTimeLimit } from "./time-limit.ts";

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
