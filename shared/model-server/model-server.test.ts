// The model server over real HTTP, in its own process: wire format, streaming,
// errors, bad input, its spans joining the caller's trace, and no process left behind.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { readSpanRecords } from "../trace-view/dump.ts";
import { listen } from "../http/index.ts";
import { modelServerHandler, startModelServer, type ModelServerProcess } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "model-server-"));
const traceFile = join(dir, "spans.jsonl");
let server: ModelServerProcess;

before(async () => {
  server = await startModelServer({ stdio: "ignore", env: { OTEL_TRACES_EXPORTER: "none", WORKBOOK_TRACE_FILE: traceFile, WORKBOOK_MODEL_SLOW_MS: "300" } });
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const chat = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const ask = { model: "gpt-4o-mini", messages: [{ role: "user", content: "How do I plan a trip?" }] };

/** The `data:` payloads of a server-sent-events body. */
function sseData(text: string): string[] {
  return text.split("\n\n").filter(Boolean).map((event) => {
    assert.match(event, /^data: /, `🚨 every SSE event starts with "data: ", got ${JSON.stringify(event.slice(0, 40))}`);
    return event.slice("data: ".length);
  });
}

describe("wire format", () => {
  it("answers a chat completion with choices, usage and finish_reason, the same bytes every time", async () => {
    const first = await chat(ask);
    assert.equal(first.status, 200);
    const body = (await first.json()) as any;
    assert.equal(body.object, "chat.completion");
    assert.match(body.id, /^chatcmpl-/);
    assert.equal(body.model, "gpt-4o-mini");
    assert.equal(body.choices[0].message.role, "assistant");
    assert.match(body.choices[0].message.content, /plan a trip/);
    assert.equal(body.choices[0].finish_reason, "stop");
    assert.ok(body.usage.prompt_tokens > 0 && body.usage.completion_tokens > 0);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.deepEqual(await (await chat(ask)).json(), body, "🚨 the same request must give the same answer (deterministic)");
  });

  it("cuts at max_tokens with finish_reason length", async () => {
    const body = (await (await chat({ ...ask, max_tokens: 3 })).json()) as any;
    assert.equal(body.choices[0].finish_reason, "length");
    assert.ok(body.usage.completion_tokens <= 3);
  });

  it("calls the first tool offered, then answers from the tool's result", async () => {
    const tools = [{ type: "function", function: { name: "search_flights", parameters: { type: "object" } } }];
    const first = (await (await chat({ ...ask, tools })).json()) as any;
    assert.equal(first.choices[0].finish_reason, "tool_calls");
    const call = first.choices[0].message.tool_calls[0];
    assert.equal(call.type, "function");
    assert.equal(call.function.name, "search_flights");
    assert.deepEqual(JSON.parse(call.function.arguments), { query: "How do I plan a trip?" });
    const messages = [...ask.messages, first.choices[0].message, { role: "tool", tool_call_id: call.id, content: "3 flights found" }];
    const second = (await (await chat({ model: "gpt-4o-mini", messages, tools })).json()) as any;
    assert.equal(second.choices[0].finish_reason, "stop");
    assert.match(second.choices[0].message.content, /3 flights found/);
  });

  it("lists its models", async () => {
    const body = (await (await fetch(`${server.url}/v1/models`)).json()) as any;
    assert.ok(body.data.some((model: { id: string }) => model.id === "gpt-4o-mini"));
  });
});

describe("streaming", () => {
  it("sends server-sent events: a role chunk, content deltas, finish_reason, a usage chunk when asked, [DONE]", async () => {
    const res = await chat({ ...ask, stream: true, stream_options: { include_usage: true } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const data = sseData(await res.text());
    assert.equal(data.at(-1), "[DONE]");
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk"));
    assert.equal(chunks[0].choices[0].delta.role, "assistant");
    const text = chunks.flatMap((c) => c.choices.map((choice: any) => choice.delta.content ?? "")).join("");
    const whole = (await (await chat(ask)).json()) as any;
    assert.equal(text, whole.choices[0].message.content, "🚨 the streamed deltas must add up to the non-streamed answer");
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, whole.usage);
    assert.equal(chunks.at(-2).choices[0].finish_reason, "stop");
  });

  it("sends no usage chunk unless stream_options.include_usage is set, as OpenAI does", async () => {
    const chunks = sseData(await (await chat({ ...ask, stream: true })).text()).slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.every((c) => c.usage === undefined));
  });

  it("streams a tool call", async () => {
    const tools = [{ type: "function", function: { name: "lookup" } }];
    const chunks = sseData(await (await chat({ ...ask, tools, stream: true })).text()).slice(0, -1).map((d) => JSON.parse(d));
    const call = chunks.flatMap((c) => c.choices.flatMap((choice: any) => choice.delta.tool_calls ?? []))[0];
    assert.equal(call.function.name, "lookup");
    assert.equal(chunks.at(-1).choices[0].finish_reason, "tool_calls");
  });
});

describe("errors, the OpenAI way", () => {
  const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string; type: string; code: string | null; param: string | null } }).error;

  it("404 model_not_found for an unknown model", async () => {
    const res = await chat({ ...ask, model: "gpt-9" });
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).code, "model_not_found");
  });
  it("429 with retry-after", async () => {
    const res = await chat({ ...ask, model: "fake-rate-limited" });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "1");
    assert.equal((await errorOf(res)).code, "rate_limit_exceeded");
  });
  it("500 server_error", async () => {
    const res = await chat({ ...ask, model: "fake-broken" });
    assert.equal(res.status, 500);
    assert.equal((await errorOf(res)).type, "server_error");
  });
  it("fake-garbage answers 200 with a body that is not JSON; fake-slow answers late", async () => {
    const garbage = await chat({ ...ask, model: "fake-garbage" });
    assert.equal(garbage.status, 200);
    await assert.rejects(garbage.json());
    const started = Date.now();
    assert.equal((await chat({ ...ask, model: "fake-slow" })).status, 200);
    assert.ok(Date.now() - started >= 250);
  });
  it("400 invalid_request_error naming the bad field, never a stack trace", async () => {
    for (const [body, param] of [
      ["{not json", null],
      [[1, 2], null],
      [{ messages: ask.messages }, "model"],
      [{ model: "gpt-4o-mini", messages: [] }, "messages"],
      [{ model: "gpt-4o-mini", messages: [{ role: "wizard", content: "hi" }] }, "messages[0].role"],
      [{ model: "gpt-4o-mini", messages: [{ role: "user", content: 42 }] }, "messages[0].content"],
      [{ ...ask, max_tokens: -1 }, "max_tokens"],
      [{ ...ask, tools: [{ type: "nope" }] }, "tools[0]"],
    ] as const) {
      const res = await chat(body as unknown);
      const text = await res.text();
      assert.equal(res.status, 400, `🚨 ${JSON.stringify(body)} should be a 400, got ${res.status}`);
      assert.doesNotMatch(text, /at .*\.ts:\d+|Error:/, "🚨 an error body must not carry a stack trace");
      const error = JSON.parse(text).error;
      assert.equal(error.type, "invalid_request_error");
      assert.equal(error.param, param);
    }
  });
  it("refuses a body over 1 MB with a 400", async () => {
    const res = await chat({ ...ask, messages: [{ role: "user", content: "x".repeat(1_100_000) }] });
    assert.equal(res.status, 400);
  });
  it("404 for an unknown path, in the same error shape", async () => {
    const res = await fetch(`${server.url}/v2/anything`, { method: "POST" });
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).type, "invalid_request_error");
  });
  it("401 invalid_api_key without the key, when one is required", async () => {
    const keyed = await listen(modelServerHandler({ apiKey: "sk-test" }));
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${keyed.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(ask) });
      const denied = await post({});
      assert.equal(denied.status, 401);
      assert.equal((await errorOf(denied)).code, "invalid_api_key");
      assert.equal((await post({ authorization: "Bearer sk-test" })).status, 200);
    } finally {
      await keyed.close();
    }
  });
});

describe("the official openai client talks to it", () => {
  const client = () => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
  it("create(), streaming with usage, and typed errors", async () => {
    const reply = await client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    assert.equal(reply.choices[0]?.finish_reason, "stop");
    const stream = await client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, reply.choices[0]?.message.content);
    assert.deepEqual(usage, reply.usage);
    await assert.rejects(client().chat.completions.create({ model: "gpt-9", messages: [{ role: "user", content: "hi" }] }), (error: any) => error.status === 404 && error.code === "model_not_found");
  });
});

describe("telemetry and lifecycle", () => {
  it("its SERVER span joins the caller's trace (traceparent)", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await (await chat(ask, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` })).text();
    await server.stop(); // flushes
    const span = readSpanRecords(traceFile).find((s) => s.traceId === traceId);
    assert.ok(span, "🚨 no span from the model server in the caller's trace");
    assert.equal(span.kind, "SERVER");
    assert.equal(span.parentSpanId, "00f067aa0ba902b7");
    assert.equal(span.name, "POST /v1/chat/completions");
    assert.equal(span.service, "model-server");
    assert.equal(span.attributes["http.response.status_code"], 200);
    assert.equal(span.attributes["gen_ai.request.model"], "gpt-4o-mini");
    server = await startModelServer({ stdio: "ignore", env: { OTEL_TRACES_EXPORTER: "none" } });
  });

  it("stop() leaves no process behind, nor does a parent that exits without stopping it", async () => {
    const pid = server.pid;
    await server.stop();
    assert.throws(() => process.kill(pid, 0), /ESRCH/, "🚨 the model server is still running after stop()");
    const script = "import { startModelServer } from './shared/model-server/spawn.ts'; const s = await startModelServer({ stdio: 'ignore' }); console.log(s.pid); process.exit(0);";
    const orphan = Number(execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" }).trim());
    assert.ok(orphan > 0);
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && alive(orphan)) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(orphan), false, "🚨 the model server outlived its parent");
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

