/**
 * Lesson 04 tests. `npm run verify -- 04` runs them against your
 * lessons/04-error-handling.ts; one describe per task in lessons/04-error-handling.md.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { FakeLLM, RateLimitError, type ChatRequest } from "../shared/agents/index.ts";
import { OpenSpanTracker } from "../shared/trace-view/index.ts";
import {
  assertChildOf,
  assertTraceShape,
  childrenOf,
  findSpan,
  spansNamed,
  statusName,
  useTestTelemetry,
  loadLesson,
} from "../shared/testing/index.ts";
import type * as Lesson from "./04-error-handling.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

/** Fresh telemetry per test, plus a processor that remembers spans started and never ended. */
function useTelemetryWithTracker() {
  let tracker = new OpenSpanTracker();
  const telemetry = useTestTelemetry({ spanProcessors: () => [(tracker = new OpenSpanTracker())] });
  return {
    telemetry,
    assertAllEnded() {
      const open = tracker.openSpans().map((span) => `"${span.name}"`);
      assert.deepEqual(
        open,
        [],
        `🚨 ${open.join(", ")} started but never ended, so no exporter will ever see it. End spans in a finally block so they end on the error path too.`,
      );
    },
  };
}

function assertStatus(span: ReadableSpan, code: SpanStatusCode, why: string): void {
  assert.equal(
    statusName(span.status.code),
    statusName(code),
    `🚨 span "${span.name}" has status ${statusName(span.status.code)}, expected ${statusName(code)}: ${why}`,
  );
}

/** The span's single "exception" event, checked for the three attributes backends show. */
function exceptionEvent(span: ReadableSpan) {
  const events = span.events.filter((event) => event.name === "exception");
  assert.equal(events.length, 1, `🚨 span "${span.name}" should have one "exception" event (span.recordException(err)), found ${events.length}`);
  const attributes = events[0]!.attributes ?? {};
  assert.ok(attributes["exception.stacktrace"], `🚨 the exception event on "${span.name}" has no exception.stacktrace: pass the Error object to recordException, not a string`);
  return attributes;
}

const question = (content: string): ChatRequest => ({ model: "gpt-4", messages: [{ role: "user", content }] });

describe("Task 1: record the failure", () => {
  const { telemetry, assertAllEnded } = useTelemetryWithTracker();

  it("ends the span and marks it ERROR when the work throws, and rethrows", async () => {
    const boom = new TypeError("config value 'temperature' is not a number");
    await assert.rejects(
      lesson.riskyOperation(async () => {
        throw boom;
      }),
      (err) => err === boom,
      "🚨 riskyOperation must rethrow the original error: recording it on the span is not handling it",
    );
    assertAllEnded();
    const span = findSpan(telemetry.spans(), "risky_operation");
    assertStatus(span, SpanStatusCode.ERROR, "call span.setStatus({ code: SpanStatusCode.ERROR, message }) in the catch block");
    assert.equal(span.status.message, boom.message, "🚨 the status message should be the error's message (err.message)");
  });

  it("records an exception event with type, message and stack trace", async () => {
    await lesson.riskyOperation(async () => Promise.reject(new RateLimitError(5))).catch(() => {});
    assertAllEnded();
    const attributes = exceptionEvent(findSpan(telemetry.spans(), "risky_operation"));
    assert.equal(attributes["exception.type"], "rate_limit_exceeded", "🚨 exception.type should be the error's code (recordException uses err.code when there is one)");
    assert.match(String(attributes["exception.message"]), /Rate limit exceeded/, "🚨 exception.message should be the error's message");
  });

  it("sets error.type to the error's code or class, never its message", async () => {
    await lesson.riskyOperation(async () => Promise.reject(new RateLimitError(5))).catch(() => {});
    await lesson.riskyOperation(async () => Promise.reject(new TypeError("bad input 42"))).catch(() => {});
    assertAllEnded();
    const types = telemetry.spans().map((span) => span.attributes["error.type"]);
    assert.deepEqual(
      types,
      ["rate_limit_exceeded", "TypeError"],
      "🚨 set the attribute error.type (ATTR_ERROR_TYPE) to a low-cardinality class of failure: errorTypeOf(err) gives the code, else the class name",
    );
  });

  it("leaves a successful span UNSET and returns the result", async () => {
    assert.equal(await lesson.riskyOperation(async () => "fine"), "fine");
    assertAllEnded();
    const span = findSpan(telemetry.spans(), "risky_operation");
    assertStatus(span, SpanStatusCode.UNSET, "success needs no status; leave OK to code that knows better (see the lesson text)");
    assert.equal(span.events.length, 0, "🚨 a successful span should have no exception event");
  });
});

describe("Task 2: handled is not failed", () => {
  const { telemetry, assertAllEnded } = useTelemetryWithTracker();

  it("records a cache miss as cache.hit=false, not as an error", async () => {
    const answer = await lesson.answerQuestion(new FakeLLM(), new lesson.AnswerCache(), "How should I name spans?");
    assert.ok(answer.length > 0, "🚨 answerQuestion should still answer on a miss (from the model)");
    assertAllEnded();
    const lookup = findSpan(telemetry.spans(), "cache.lookup");
    assertStatus(lookup, SpanStatusCode.UNSET, "a miss is the cache working as designed. Don't set ERROR for an exception you handle as a normal outcome");
    assert.equal(
      lookup.events.filter((event) => event.name === "exception").length,
      0,
      '🚨 "cache.lookup" has an exception event for a plain miss: no recordException for an expected, handled outcome',
    );
    assert.equal(lookup.attributes["cache.hit"], false, '🚨 record the outcome as the attribute "cache.hit" = false');
  });

  it("keeps the parent free of errors, and a hit skips the model", async () => {
    const llm = new FakeLLM();
    const cache = new lesson.AnswerCache();
    const first = await lesson.answerQuestion(llm, cache, "What is a span?");
    const second = await lesson.answerQuestion(llm, cache, "What is a span?");
    assert.equal(second, first, "🚨 the second answer should come from the cache");
    assert.equal(llm.calls, 1, "🚨 a cache hit should not call the model");
    const spans = telemetry.spans();
    for (const span of spansNamed(spans, "answer_question")) {
      assertStatus(span, SpanStatusCode.UNSET, "the question was answered: nothing failed");
    }
    const lookups = spansNamed(spans, "cache.lookup");
    assert.deepEqual(lookups.map((span) => span.attributes["cache.hit"]), [false, true], '🚨 "cache.hit" should be false, then true');
    assert.ok(
      lookups.every((span) => span.status.code !== SpanStatusCode.ERROR),
      "🚨 no cache.lookup span should be ERROR: neither a miss nor a hit is a failure",
    );
  });

  it("still marks a real cache failure as ERROR", async () => {
    const broken = new lesson.AnswerCache();
    broken.get = () => {
      throw new Error("cache connection refused");
    };
    await assert.rejects(lesson.answerQuestion(new FakeLLM(), broken, "hi"), /connection refused/);
    assertAllEnded();
    const lookup = findSpan(telemetry.spans(), "cache.lookup");
    assertStatus(lookup, SpanStatusCode.ERROR, "an error you do not handle is still an error");
    assertStatus(findSpan(telemetry.spans(), "answer_question"), SpanStatusCode.ERROR, "the failure escaped answer_question");
  });
});

describe("Task 3: retries, one span per attempt", () => {
  const { telemetry, assertAllEnded } = useTelemetryWithTracker();

  it("shapes the trace as chat_with_retry → one chat_attempt per try → its chat span", async () => {
    const llm = new FakeLLM({ retryAfterMs: 0 });
    llm.failNext("rate_limit");
    await lesson.chatWithRetry(llm, question("Summarise the retry policy"));
    assertAllEnded();
    assertTraceShape(
      telemetry.spans(),
      `
      chat_with_retry
        chat_attempt
          chat gpt-4
        chat_attempt
          chat gpt-4
      `,
      'Start a "chat_with_retry" span around the loop with startActiveSpan, and one "chat_attempt" span per try inside it.',
    );
  });

  it("marks the failed attempt ERROR, the winning attempt not, and the call OK", async () => {
    const llm = new FakeLLM({ retryAfterMs: 0 });
    llm.failNext("rate_limit");
    const response = await lesson.chatWithRetry(llm, question("Summarise the retry policy"));
    assert.ok(response.content, "🚨 chatWithRetry should return the second attempt's response");
    const spans = telemetry.spans();
    const parent = findSpan(spans, "chat_with_retry");
    const attempts = spansNamed(spans, "chat_attempt").sort((a, b) => Number(a.attributes["retry.attempt"]) - Number(b.attributes["retry.attempt"]));
    assert.deepEqual(
      attempts.map((span) => span.attributes["retry.attempt"]),
      [1, 2],
      '🚨 each chat_attempt span needs the attribute "retry.attempt": 1 for the first try, 2 for the second',
    );
    for (const attempt of attempts) assertChildOf(spans, attempt, parent);
    const [failed, won] = attempts as [ReadableSpan, ReadableSpan];
    assertStatus(failed, SpanStatusCode.ERROR, "that attempt did fail; mark it, even though the next one wins");
    assert.equal(exceptionEvent(failed)["exception.type"], "rate_limit_exceeded");
    assert.equal(failed.attributes["error.type"], "rate_limit_exceeded", "🚨 set error.type on the failed attempt (recordSpanError does it)");
    assertStatus(won, SpanStatusCode.UNSET, "the successful attempt has nothing to report");
    assertStatus(parent, SpanStatusCode.OK, "the call recovered from the failed attempt: set status OK on chat_with_retry so it reads as handled, not failed");
    assert.equal(parent.events.length, 0, "🚨 chat_with_retry should have no exception event when a retry won");
  });

  it("marks the call ERROR with the last error when every attempt fails", async () => {
    const llm = new FakeLLM({ retryAfterMs: 0 });
    llm.failNext("rate_limit", 3);
    await assert.rejects(lesson.chatWithRetry(llm, question("again"), { maxAttempts: 3 }), RateLimitError, "🚨 after the last attempt, rethrow its error");
    assertAllEnded();
    const spans = telemetry.spans();
    assertTraceShape(
      spans,
      `
      chat_with_retry
        chat_attempt
          chat gpt-4
        chat_attempt
          chat gpt-4
        chat_attempt
          chat gpt-4
      `,
    );
    const parent = findSpan(spans, "chat_with_retry");
    assertStatus(parent, SpanStatusCode.ERROR, "every attempt failed, so the call failed: record the last error on chat_with_retry");
    assert.match(parent.status.message ?? "", /Rate limit exceeded/, "🚨 the status message should be the last error's message");
    assert.equal(exceptionEvent(parent)["exception.type"], "rate_limit_exceeded");
    assert.deepEqual(
      childrenOf(spans, parent).map((span) => statusName(span.status.code)),
      ["ERROR", "ERROR", "ERROR"],
      "🚨 every failed chat_attempt should be ERROR",
    );
  });
});

describe("Task 4: rejected promises", () => {
  const { telemetry, assertAllEnded } = useTelemetryWithTracker();

  it("records a rejection from an awaited async function on the span", async () => {
    const llm = new FakeLLM();
    llm.failNext("timeout");
    await assert.rejects(lesson.replyTo(llm, "Are you there?"), /timed out/, "🚨 replyTo should still reject when the model times out");
    assertAllEnded();
    const spans = telemetry.spans();
    const reply = findSpan(spans, "reply");
    const chat = findSpan(spans, "chat gpt-4");
    assertChildOf(spans, chat, reply);
    // End order, from the order spans reached the exporter: span timestamps are
    // each anchored on Date.now() (whole milliseconds), so comparing them
    // across spans cannot tell apart events a few microseconds apart.
    assert.ok(
      spans.indexOf(reply) > spans.indexOf(chat),
      '🚨 "reply" ended before its model call finished: `return promise` inside try leaves the try at once. Use `return await`.',
    );
    assertStatus(reply, SpanStatusCode.ERROR, "the rejection never reached the catch block: `return await generateReply(...)`, not `return generateReply(...)`");
    assert.equal(exceptionEvent(reply)["exception.type"], "timeout");
  });

  it("records a failed background save on its own span, without an unhandled rejection", async () => {
    const saving = lesson.saveInBackground(async () => {
      throw new Error("memory store unavailable");
    });
    await assert.doesNotReject(saving, "🚨 saveInBackground's promise must not reject: nobody awaits it, so a rejection would be unhandled");
    assertAllEnded();
    const spans = spansNamed(telemetry.spans(), "memory.save");
    assert.equal(spans.length, 1, '🚨 run the background work inside a "memory.save" span (tracer.startActiveSpan)');
    const save = spans[0]!;
    assertStatus(save, SpanStatusCode.ERROR, "the save failed; nobody else will ever see it, so this span must say so");
    assert.equal(exceptionEvent(save)["exception.message"], "memory store unavailable");
  });

  it("leaves a successful background save UNSET", async () => {
    let saved = false;
    await lesson.saveInBackground(async () => {
      saved = true;
    });
    assert.ok(saved, "🚨 saveInBackground should run the save");
    const spans = spansNamed(telemetry.spans(), "memory.save");
    assert.equal(spans.length, 1, '🚨 run the background work inside a "memory.save" span');
    assertStatus(spans[0]!, SpanStatusCode.UNSET, "nothing failed");
  });
});
