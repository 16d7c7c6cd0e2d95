/**
 * The fake LLM on its own: determinism, token counting, truncation, latency,
 * failures. No OpenTelemetry here — the fake is the "vendor SDK" of the story.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  FakeLLM,
  LATENCY_ENV_VAR,
  LlmError,
  LlmTimeoutError,
  RateLimitError,
  countTokens,
  type ChatRequest,
} from "./index.ts";

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "gpt-4",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content },
  ],
  ...extra,
});

const PROMPTS = ["Hello!", "How should I trace async agents?", "讨论AI的未来发展", "What is a span?"];

describe("countTokens", () => {
  it("counts words and punctuation, not whitespace", () => {
    assert.equal(countTokens("Hello, world!"), 4);
    assert.equal(countTokens("  spaced   out  "), 2);
    assert.equal(countTokens("don't stop"), 2);
    assert.equal(countTokens("version 2.12.1"), 6); // version, 2, ., 12, ., 1
    assert.equal(countTokens(""), 0);
  });

  it("counts every CJK character (and CJK punctuation) as one token", () => {
    assert.equal(countTokens("你好，世界"), 5);
    assert.equal(countTokens("讨论AI的未来发展"), 8); // 讨 论 AI 的 未 来 发 展: "AI" is one word
    assert.equal(countTokens("OpenTelemetry 很好用!"), 5);
    assert.equal(countTokens("こんにちは"), 5);
  });
});

describe("FakeLLM determinism", () => {
  it("gives the same replies and response ids for the same seed", async () => {
    const a = new FakeLLM({ seed: 7, latencyMs: 0 });
    const b = new FakeLLM({ seed: 7, latencyMs: 0 });
    for (const prompt of PROMPTS) {
      assert.deepEqual(await a.chat(ask(prompt)), await b.chat(ask(prompt)));
    }
  });

  it("gives different response ids for a different seed", async () => {
    const a = new FakeLLM({ seed: 1, latencyMs: 0 });
    const b = new FakeLLM({ seed: 2, latencyMs: 0 });
    const idsA = [];
    const idsB = [];
    for (const prompt of PROMPTS) {
      idsA.push((await a.chat(ask(prompt))).id);
      idsB.push((await b.chat(ask(prompt))).id);
    }
    assert.notDeepEqual(idsA, idsB);
    assert.equal(new Set(idsA).size, PROMPTS.length, "ids within one run are distinct");
    for (const id of idsA) assert.match(id, /^chatcmpl-[0-9a-f]{8}$/);
  });

  it("does not let the latency setting change replies or ids", async () => {
    const fast = new FakeLLM({ seed: 3, latencyMs: 0 });
    const slow = new FakeLLM({ seed: 3 }); // default latency, drawn from its own stream
    for (const prompt of PROMPTS.slice(0, 2)) {
      assert.deepEqual(await fast.chat(ask(prompt)), await slow.chat(ask(prompt)));
    }
  });

  it("answers from the last user message, echoing a keyword, in its language", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    const english = await llm.chat(ask("How should I trace async agents?"));
    assert.match(english.content, /agents/);
    const chinese = await llm.chat(ask("讨论AI的未来发展"));
    assert.match(chinese.content, /「讨论」/);
    assert.equal(english.finishReason, "stop");
    assert.equal(english.model, "gpt-4");
  });

  it("reports usage: input = tokens of every message, output = tokens of the reply", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    const response = await llm.chat(ask("Hello!"));
    assert.equal(response.usage.inputTokens, countTokens("You are terse.") + countTokens("Hello!"));
    assert.equal(response.usage.inputTokens, 6);
    assert.equal(response.usage.outputTokens, countTokens(response.content));
  });
});

describe("FakeLLM maxTokens", () => {
  it("truncates to maxTokens and reports finishReason 'length'", async () => {
    const full = await new FakeLLM({ seed: 5, latencyMs: 0 }).chat(ask("What is a span?"));
    const cut = await new FakeLLM({ seed: 5, latencyMs: 0 }).chat(ask("What is a span?", { maxTokens: 3 }));
    assert.ok(full.usage.outputTokens > 3);
    assert.equal(cut.finishReason, "length");
    assert.equal(cut.usage.outputTokens, 3);
    assert.equal(countTokens(cut.content), 3);
    assert.ok(full.content.startsWith(cut.content), `"${cut.content}" should be a prefix of "${full.content}"`);
  });

  it("leaves a reply that fits alone", async () => {
    const response = await new FakeLLM({ latencyMs: 0 }).chat(ask("Hello!", { maxTokens: 500 }));
    assert.equal(response.finishReason, "stop");
  });

  it("gives an empty reply for maxTokens 0 and rejects a negative one", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    const empty = await llm.chat(ask("Hello!", { maxTokens: 0 }));
    assert.deepEqual([empty.content, empty.finishReason, empty.usage.outputTokens], ["", "length", 0]);
    await assert.rejects(llm.chat(ask("Hello!", { maxTokens: -1 })), RangeError);
  });
});

describe("FakeLLM latency", () => {
  const saved = process.env[LATENCY_ENV_VAR];
  afterEach(() => {
    if (saved === undefined) delete process.env[LATENCY_ENV_VAR];
    else process.env[LATENCY_ENV_VAR] = saved;
  });

  it("still answers asynchronously with latency 0 (on a later event-loop turn)", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    let settled = false;
    const pending = llm.chat(ask("Hello!")).then(() => (settled = true));
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(settled, false, "a zero-latency reply must not arrive within the same microtask queue");
    await pending;
    assert.equal(settled, true);
  });

  it("waits latencyMs", async () => {
    const llm = new FakeLLM({ latencyMs: 30 });
    const start = performance.now();
    await llm.chat(ask("Hello!"));
    assert.ok(performance.now() - start >= 25, "expected roughly 30 ms of latency");
  });

  it(`reads ${LATENCY_ENV_VAR} when latencyMs is not given`, async () => {
    process.env[LATENCY_ENV_VAR] = "40";
    const llm = new FakeLLM();
    const start = performance.now();
    await llm.chat(ask("Hello!"));
    assert.ok(performance.now() - start >= 35, "expected roughly 40 ms of latency from the environment");
  });

  for (const bad of ["-5", "fast", "1.5", "10ms"]) {
    it(`rejects ${LATENCY_ENV_VAR}=${bad} with an error naming the variable`, () => {
      process.env[LATENCY_ENV_VAR] = bad;
      assert.throws(() => new FakeLLM(), (err: Error) => {
        assert.match(err.message, new RegExp(LATENCY_ENV_VAR));
        assert.match(err.message, /non-negative integer/);
        return true;
      });
    });
  }

  it("prefers the latencyMs option over the environment", () => {
    process.env[LATENCY_ENV_VAR] = "not a number";
    assert.doesNotThrow(() => new FakeLLM({ latencyMs: 0 }));
  });
});

describe("FakeLLM failures", () => {
  it("failNext('rate_limit', 2) fails the next two calls with a RateLimitError, then recovers", async () => {
    const llm = new FakeLLM({ latencyMs: 0, retryAfterMs: 250 });
    llm.failNext("rate_limit", 2);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(llm.chat(ask("Hello!")), (err: unknown) => {
        assert.ok(err instanceof RateLimitError);
        assert.ok(err instanceof LlmError);
        assert.equal(err.name, "RateLimitError");
        assert.equal(err.code, "rate_limit_exceeded");
        assert.equal(err.status, 429);
        assert.equal(err.retryAfterMs, 250);
        assert.equal(err.retryable, true);
        return true;
      });
    }
    assert.equal((await llm.chat(ask("Hello!"))).finishReason, "stop");
    assert.equal(llm.calls, 3);
  });

  it("failNext('timeout') fails with an LlmTimeoutError after the latency", async () => {
    const llm = new FakeLLM({ latencyMs: 20 });
    llm.failNext("timeout");
    const start = performance.now();
    await assert.rejects(llm.chat(ask("Hello!")), (err: unknown) => {
      assert.ok(err instanceof LlmTimeoutError);
      assert.equal(err.name, "LlmTimeoutError");
      assert.equal(err.code, "timeout");
      assert.equal(err.timeoutMs, 20);
      return true;
    });
    assert.ok(performance.now() - start >= 15);
  });

  it("failWhen fails only the calls it picks, with 1-based call numbers", async () => {
    const seen: number[] = [];
    const llm = new FakeLLM({
      latencyMs: 0,
      failWhen: (request, callNumber) => {
        seen.push(callNumber);
        return request.model === "flaky-model" ? "rate_limit" : undefined;
      },
    });
    await llm.chat(ask("Hello!"));
    await assert.rejects(llm.chat(ask("Hello!", { model: "flaky-model" })), RateLimitError);
    await llm.chat(ask("Hello!"));
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it("rejects a failNext count that is not a positive integer", () => {
    assert.throws(() => new FakeLLM().failNext("timeout", 0), RangeError);
  });
});

describe("FakeLLM call log", () => {
  it("counts calls and keeps copies of the requests", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    const request = ask("Hello!");
    await llm.chat(request);
    request.messages[1]!.content = "edited afterwards";
    await llm.chat(ask("Second"));
    assert.equal(llm.calls, 2);
    assert.deepEqual(
      llm.requests.map((r) => r.messages.at(-1)?.content),
      ["Hello!", "Second"],
    );
  });

  it("keeps a bounded log: the last keepRequests requests, each message cut at 4096 characters", async () => {
    const llm = new FakeLLM({ latencyMs: 0, keepRequests: 3 });
    const body = "x".repeat(1_000_000); // as large as a lesson's server accepts
    for (let i = 1; i <= 10; i++) await llm.chat(ask(`${i} ${body}`));
    assert.equal(llm.calls, 10, "🚨 calls counts every call, kept or not");
    assert.equal(llm.requests.length, 3, `🚨 the fake LLM kept ${llm.requests.length} request bodies; a server would grow without bound`);
    assert.deepEqual(llm.requests.map((r) => r.messages.at(-1)!.content.split(" ")[0]), ["8", "9", "10"]);
    assert.ok(llm.requests.every((r) => r.messages.every((m) => m.content.length <= 4096)), "🚨 a kept message is not cut");
  });
});
