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

/**
 * Fresh telemetry per test, plus a processor that remembers spans started and
 * never ended. (A second end(), which the SDK only logs, is caught by the test
 * kit's useTestTelemetry() itself.)
 */
function useTelemetryWithTracker() {
  let tracker = new OpenSpanTracker();
  const telemetry = useTestTelemetry({ spanProcessors: () => [(tracker = new OpenSpanTracker())] });
  return {
    telemetry,
    assertAllEnded() {
      const open = tracker.openSpans().map((span) => `"${span.name}"`);
      assert.ok(
        open.length === 0,
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
  assert.equal(events.length, 1, `🚨 span "${span.name}" should have one "exception" event (span.recordException), found ${events.length}`);
  const attributes = events[0]!.attributes ?? {};
  assert.ok(attributes["exception.stacktrace"], `🚨 the exception event on "${span.name}" has no exception.stacktrace: pass the Error object to recordException, not a string`);
  return attributes;
}

/** error.type: one of the values the conventions allow for this error (its code, or its class name), never the message. */
function assertErrorType(span: ReadableSpan | undefined, allowed: readonly string[]): void {
  assert.ok(span, "🚨 a failed call left no span");
  const type = span.attributes["error.type"];
  assert.ok(
    typeof type === "string" && allowed.includes(type),
    `🚨 span "${span.name}" has error.type ${JSON.stringify(type)}, expected ${allowed.map((value) => JSON.stringify(value)).join(" or ")}: ` +
      "set the attribute error.type (ATTR_ERROR_TYPE) to a short class of failure, the error's code or its class name, never its message.",
  );
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
    assertStatus(span, SpanStatusCode.ERROR, "the work failed, so the span's status must say so (span.setStatus with SpanStatusCode.ERROR), in the catch block");
    assert.equal(
      span.status.message,
      boom.message,
      `🚨 risky_operation is ERROR with the status message ${JSON.stringify(span.status.message)}: give setStatus the error's message as well, it is what a backend shows beside the red mark.`,
    );
  });

  it("records an exception event with type, message and stack trace", async () => {
    await lesson.riskyOperation(async () => Promise.reject(new RateLimitError(5))).catch(() => {});
    assertAllEnded();
    const attributes = exceptionEvent(findSpan(telemetry.spans(), "risky_operation"));
    assert.equal(
      attributes["exception.type"],
      "rate_limit_exceeded",
      `🚨 exception.type is ${JSON.stringify(attributes["exception.type"])}: record the error object that was thrown, not a new Error made from it (this SDK writes its code, rate_limit_exceeded, when it has one).`,
    );
    assert.match(String(attributes["exception.message"]), /Rate limit exceeded/, "🚨 exception.message should be the error's message: record the error object that was thrown");
  });

  it("sets error.type to the error's code or class, never its message", async () => {
    await lesson.riskyOperation(async () => Promise.reject(new RateLimitError(5))).catch(() => {});
    await lesson.riskyOperation(async () => Promise.reject(new TypeError("bad input 42"))).catch(() => {});
    assertAllEnded();
    const [rateLimited, badInput] = telemetry.spans();
    assertErrorType(rateLimited, ["rate_limit_exceeded", "RateLimitError"]);
    assertErrorType(badInput, ["TypeError"]);
  });

  it("leaves a successful span UNSET and returns the result", async () => {
    assert.equal(await lesson.riskyOperation(async () => "fine"), "fine", "🚨 riskyOperation should return what the work returned");
    assertAllEnded();
    const span = findSpan(telemetry.spans(), "risky_operation");
    assertStatus(span, SpanStatusCode.UNSET, "success needs no status. OK is for code that decided an outcome after something below it failed (see the lesson text), not for every success");
    assert.equal(span.events.length, 0, "🚨 a successful risky_operation should have no exception event");
  });
});

describe("Task 2: handled is not failed", () => {
  const { telemetry, assertAllEnded } = useTelemetryWithTracker();

  it("records a cache miss as app.cache.hit=false, not as an error", async () => {
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
    assert.equal(lookup.attributes["app.cache.hit"], false, '🚨 "cache.lookup" does not say it missed: record the outcome as the attribute "app.cache.hit" = false (span.setAttribute)');
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
    const hits = lookups.map((span) => span.attributes["app.cache.hit"]);
    assert.ok(hits.length === 2 && hits[0] === false && hits[1] === true, `🚨 "app.cache.hit" on the two lookups should be false, then true; it is ${JSON.stringify(hits)}`);
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
    await assert.rejects(lesson.answerQuestion(new FakeLLM(), broken, "hi"), /connection refused/, "🚨 a cache that is down is a real failure: answerQuestion should reject with its error");
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
    const attempts = spansNamed(spans, "chat_attempt").sort((a, b) => Number(a.attributes["app.retry.attempt"]) - Number(b.attributes["app.retry.attempt"]));
    const numbers = attempts.map((span) => span.attributes["app.retry.attempt"]);
    assert.ok(
      numbers.length === 2 && numbers[0] === 1 && numbers[1] === 2,
      `🚨 the chat_attempt spans carry app.retry.attempt ${JSON.stringify(numbers)}, expected [1, 2]: every try needs its number, the failed one too, so set it when the span starts (before the await).`,
    );
    for (const attempt of attempts) assertChildOf(spans, attempt, parent);
    const [failed, won] = attempts as [ReadableSpan, ReadableSpan];
    assertStatus(failed, SpanStatusCode.ERROR, "that attempt did fail; mark it, even though the next one wins");
    assert.equal(exceptionEvent(failed)["exception.type"], "rate_limit_exceeded", "🚨 the failed attempt's exception event should be the RateLimitError itself (exception.type rate_limit_exceeded)");
    assertErrorType(failed, ["rate_limit_exceeded", "RateLimitError"]);
    assertStatus(won, SpanStatusCode.UNSET, "the successful attempt has nothing to report");
    assertStatus(parent, SpanStatusCode.OK, "the call recovered from the failed attempt: this code decided the outcome, so say so with status OK on chat_with_retry (the lesson text says why)");
    assert.equal(parent.events.length, 0, "🚨 chat_with_retry should have no exception event when a retry won");
  });

  it("marks the call ERROR with the last error when every attempt fails", async () => {
    const llm = new FakeLLM({ retryAfterMs: 0 });
    llm.failNext("rate_limit", 3);
    await assert.rejects(
      lesson.chatWithRetry(llm, question("again"), { maxAttempts: 3 }),
      RateLimitError,
      "🚨 after the last attempt, rethrow its error: the caller should get the RateLimitError itself, not a new Error made from it",
    );
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
      'Three tries, three "chat_attempt" spans, all inside "chat_with_retry".',
    );
    const parent = findSpan(spans, "chat_with_retry");
    assertStatus(parent, SpanStatusCode.ERROR, "every attempt failed, so the call failed: record the last error on chat_with_retry");
    assert.match(parent.status.message ?? "", /Rate limit exceeded/, "🚨 the status message should be the last error's message");
    assert.equal(exceptionEvent(parent)["exception.type"], "rate_limit_exceeded", "🚨 chat_with_retry's exception event should be the last RateLimitError itself");
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
      '🚨 "reply" ended before its model call finished: returning a promise from inside `try` leaves the try at once, and finally ends the span. The try has to wait for the promise to settle.',
    );
    assertStatus(reply, SpanStatusCode.ERROR, "the rejection never reached the catch block: a promise returned (not awaited) inside try rejects after the try is over");
    assert.equal(exceptionEvent(reply)["exception.type"], "timeout", "🚨 the reply span's exception event should be the model's timeout error itself");
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
    assert.equal(exceptionEvent(save)["exception.message"], "memory store unavailable", "🚨 the memory.save exception event should carry the save's own error message");
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
