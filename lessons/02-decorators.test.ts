/**
 * Lesson 02 tests. `npm run verify -- 02` runs them against your
 * lessons/02-decorators.ts; one describe per task in lessons/02-decorators.md.
 *
 * Each task is checked on its own: Task 2 calls endSpanAfter() directly, and
 * Task 4 looks for its attributes on whichever span was active in the method,
 * so an unfinished Task 1 does not hide a finished Task 4.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { FakeLLM } from "../shared/agents/index.ts";
import { assertChildOf, findSpan, loadLesson, names, spansNamed, statusName, useTestTelemetry } from "../shared/testing/index.ts";
import type * as Lesson from "./02-decorators.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);
// The test's own classes below are decorated with your traced().
const { traced } = lesson;

/** The span the decorator should have started, or a 🚨 that says the decorator started none. */
function decoratedSpan(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spansNamed(spans, name);
  if (found.length === 1) return found[0]!;
  assert.fail(
    `🚨 expected one span "${name}" but found ${found.length}. Finished spans: ${names(spans)}.\n` +
      "   Does traced() return a replacement method that calls tracer.startActiveSpan(name, ...) and ends the span?",
  );
}

// A small class to decorate: the tests own it, so they know exactly what each method does.
class Counter {
  count = 0;

  @traced()
  increment(by: number): number {
    this.count += by;
    return this.count;
  }

  @traced("counter.reset")
  reset(): void {
    this.count = 0;
  }

  @traced()
  async incrementLater(by: number): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.increment(by);
  }

  @traced()
  tag(): void {
    trace.getActiveSpan()?.setAttribute("probe.tagged", true);
  }

  @traced()
  explode(): never {
    throw new Error("boom");
  }

  @traced()
  static create(): Counter {
    return new Counter();
  }
}

describe("Task 1: the @traced() decorator", () => {
  const telemetry = useTestTelemetry();

  it('starts one span per call, named "ClassName.method"', () => {
    const counter = new Counter();
    counter.increment(1);
    counter.increment(1);
    const spans = spansNamed(telemetry.spans(), "Counter.increment");
    assert.equal(
      spans.length,
      2,
      `🚨 two calls to a @traced() method should give two "Counter.increment" spans; found ${spans.length}. Finished spans: ${names(telemetry.spans())}.\n` +
        "   The default name is the class's name and the method's, joined by a dot (this.constructor.name, context.name).",
    );
  });

  it("uses the name given to @traced(name) instead", () => {
    new Counter().reset();
    decoratedSpan(telemetry.spans(), "counter.reset");
  });

  it("names a static method after the class itself", () => {
    Counter.create();
    decoratedSpan(telemetry.spans(), "Counter.create");
  });

  it("keeps `this`, the arguments and the return value", () => {
    const counter = new Counter();
    let first: number;
    try {
      first = counter.increment(2);
    } catch (err) {
      assert.fail(
        `🚨 calling a @traced() method threw ${String(err).slice(0, 120)}.\n` +
          "   Is the replacement an arrow function? An arrow has no `this` of its own, so `this` inside it is not the instance. Return a `function`.",
      );
    }
    assert.equal(first, 2, "🚨 the decorated method should return what the original returns");
    assert.equal(counter.increment(3), 5, "🚨 the original method did not get the caller's arguments: pass on all of them (Function.prototype.apply)");
    assert.equal(counter.count, 5, "🚨 `this` was lost: an arrow function has no `this` of its own. Return a `function` and call the original with its `this`.");
  });

  it("lets a thrown error reach the caller unchanged", () => {
    assert.throws(() => new Counter().explode(), /boom/, "🚨 the decorator must rethrow what the method throws");
    decoratedSpan(telemetry.spans(), "Counter.explode");
  });

  it("makes its span the active one: trace.getActiveSpan() inside the method returns it", () => {
    new Counter().tag();
    const span = decoratedSpan(telemetry.spans(), "Counter.tag");
    assert.equal(
      span.attributes["probe.tagged"],
      true,
      "🚨 an attribute set through trace.getActiveSpan() inside the method did not land on its span: start it with startActiveSpan(), not startSpan().",
    );
  });

  it("nests: a decorated call made inside another (after an await) is its child", async () => {
    const counter = new Counter();
    assert.equal(await counter.incrementLater(4), 4, "🚨 an async decorated method should resolve to the original's value");
    const spans = telemetry.spans();
    assertChildOf(spans, decoratedSpan(spans, "Counter.increment"), decoratedSpan(spans, "Counter.incrementLater"));
  });

  it("ResearchAgent: research() is the parent of findSources() and of the agent's invoke_agent span", async () => {
    const agent = new lesson.ResearchAgent("research_agent", "gpt-4", { llm: new FakeLLM() });
    const report = await agent.research("user_1", "How does context propagation work?");
    assert.ok(report.answer.length > 0, "🚨 research() should still return the report");
    const spans = telemetry.spans();
    const research = decoratedSpan(spans, "ResearchAgent.research");
    assertChildOf(spans, decoratedSpan(spans, "ResearchAgent.findSources"), research);
    assertChildOf(spans, findSpan(spans, "invoke_agent research_agent"), research);
  });
});

describe("Task 2: end the span on every path, record failures", () => {
  const telemetry = useTestTelemetry();
  // A second end() changes nothing you can see (the SDK only logs it): the test
  // kit's useTestTelemetry() catches it and fails the test with a 🚨 line.

  function exceptionEvent(span: ReadableSpan) {
    return span.events.find((event) => event.name === "exception");
  }

  function assertFailed(span: ReadableSpan, message: string): void {
    assert.equal(
      span.status.code,
      SpanStatusCode.ERROR,
      `🚨 span "${span.name}" should have status ERROR after the work failed, but it is ${statusName(span.status.code)}: span.setStatus({ code: SpanStatusCode.ERROR, message }).`,
    );
    assert.equal(
      span.status.message,
      message,
      `🚨 span "${span.name}" is ERROR but its status message is ${JSON.stringify(span.status.message)}: give setStatus the error's message too, it is what a backend shows beside the red mark.`,
    );
    const event = exceptionEvent(span);
    assert.ok(event, `🚨 span "${span.name}" has no "exception" event: record the error on the span (span.recordException) before ending it.`);
    assert.equal(event.attributes?.["exception.message"], message, "🚨 the exception event should carry the error's message: record the error object itself");
  }

  it("returns a plain value, ends the span, and leaves its status UNSET", () => {
    const span = telemetry.tracer().startSpan("sync-work");
    assert.equal(lesson.endSpanAfter(span, () => 42), 42, "🚨 endSpanAfter should return what the work returned");
    const ended = findSpan(telemetry.spans(), "sync-work");
    assert.equal(
      statusName(ended.status.code),
      "UNSET",
      `🚨 span "sync-work" succeeded and has status ${statusName(ended.status.code)}: a wrapper leaves success UNSET (lesson 04 explains OK), it sets only ERROR.`,
    );
  });

  it("on a throw: records the exception, sets ERROR, ends the span, rethrows the same error", () => {
    const span = telemetry.tracer().startSpan("sync-failure");
    const error = new Error("sync boom");
    assert.throws(
      () => lesson.endSpanAfter(span, () => {
        throw error;
      }),
      (thrown: unknown) => thrown === error,
      "🚨 the same error must reach the caller: recording an error is not handling it. Rethrow the original value, not a new Error made from it.",
    );
    assertFailed(findSpan(telemetry.spans(), "sync-failure"), "sync boom");
  });

  it("for async work, ends the span when the promise settles, not when it is returned", async () => {
    const span = telemetry.tracer().startSpan("async-work");
    let finish!: (value: string) => void;
    const pending = new Promise<string>((resolve) => (finish = resolve));
    const result = lesson.endSpanAfter(span, () => pending);
    assert.deepEqual(
      spansNamed(telemetry.spans(), "async-work"),
      [],
      "🚨 the span ended while the async work was still running: its duration measures nothing and a later failure cannot be recorded.\n" +
        "   When the work returns a promise, end the span in promise.then(onFulfilled, onRejected).",
    );
    finish("done");
    assert.equal(await result, "done", "🚨 the returned promise should resolve to the work's value");
    const ended = findSpan(telemetry.spans(), "async-work");
    assert.equal(statusName(ended.status.code), "UNSET", `🚨 span "async-work" succeeded and has status ${statusName(ended.status.code)}: leave success UNSET.`);
  });

  it("on a rejected promise: records the exception, sets ERROR, ends the span, rejects with the same error", async () => {
    const span = telemetry.tracer().startSpan("async-failure");
    const error = new Error("async boom");
    await assert.rejects(
      async () => lesson.endSpanAfter(span, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        throw error;
      }),
      (thrown: unknown) => thrown === error,
      "🚨 the caller should see the same rejection: rethrow the original value from the rejection handler, not a new Error made from it",
    );
    assertFailed(findSpan(telemetry.spans(), "async-failure"), "async boom");
  });
});

describe("Task 3: withSpan() for plain functions", () => {
  const telemetry = useTestTelemetry();

  it("runs the function in a span with the given name and returns its result", () => {
    const add = lesson.withSpan("add_numbers", (a: number, b: number) => a + b);
    assert.equal(add(2, 3), 5, "🚨 the wrapped function should return what fn returns, given the same arguments");
    const spans = spansNamed(telemetry.spans(), "add_numbers");
    assert.equal(
      spans.length,
      1,
      `🚨 calling the wrapped function should give one span "add_numbers"; finished spans: ${names(telemetry.spans())}.\n` +
        "   withSpan must return a function that runs fn inside an active span (tracer.startActiveSpan).",
    );
  });

  it("makes its span active: a wrapped function called inside another becomes its child", async () => {
    const inner = lesson.withSpan("inner_step", () => "inner");
    const outer = lesson.withSpan("outer_step", async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return inner();
    });
    assert.equal(await outer(), "inner", "🚨 a wrapped async function should resolve to what fn returns");
    const spans = telemetry.spans();
    if (spansNamed(spans, "outer_step").length === 0) assert.fail(`🚨 no span "outer_step"; finished spans: ${names(spans)}`);
    assertChildOf(spans, findSpan(spans, "inner_step"), findSpan(spans, "outer_step"));
  });

  it("keeps `this` for a function used as a method", () => {
    const box = { value: 7, read: lesson.withSpan("read_box", function (this: { value: number }) { return this.value; }) };
    assert.equal(box.read(), 7, "🚨 `this` was lost: an arrow function has no `this` of its own. Return a `function` and call fn with its `this`.");
    findSpan(telemetry.spans(), "read_box");
  });

  it("ResearchAgent: the summarize_sources helper shows up as a span", async () => {
    const agent = new lesson.ResearchAgent("research_agent", "gpt-4", { llm: new FakeLLM() });
    await agent.research("user_1", "How does context propagation work?");
    findSpan(telemetry.spans(), "summarize_sources");
  });
});

describe("Task 4: describe the work on the active span", () => {
  const telemetry = useTestTelemetry();
  const question = "How does context propagation work across services?";

  /** Runs research() inside a span of the test's own, so it has an active span even if the decorator does not work yet. */
  async function runResearch(): Promise<ReadableSpan[]> {
    return (await runResearchWithReport()).spans;
  }

  async function runResearchWithReport(): Promise<{ spans: ReadableSpan[]; report: Lesson.ResearchReport }> {
    const agent = new lesson.ResearchAgent("research_agent", "gpt-4", { llm: new FakeLLM() });
    const report = await telemetry.tracer().startActiveSpan("test.request", async (span) => {
      try {
        return await agent.research("user_42", question);
      } finally {
        span.end();
      }
    });
    return { spans: telemetry.spans(), report };
  }

  /** The span that was active while `method` ran: the decorator's, or the test's own when there is none. */
  function activeDuring(spans: readonly ReadableSpan[], method: string): ReadableSpan {
    return spansNamed(spans, method)[0] ?? findSpan(spans, "test.request");
  }

  function assertDescribesRequest(span: ReadableSpan, userId: string, text: string): void {
    const { attributes } = span;
    assert.equal(attributes["user.id"], userId, `🚨 span "${span.name}" has no user.id with the user's id: set it on the active span (trace.getActiveSpan(), ATTR_USER_ID)`);
    assert.equal(
      attributes["gen_ai.request.model"],
      "gpt-4",
      `🚨 span "${span.name}" has no gen_ai.request.model: the seed's "llm.model" is not a convention; the GenAI conventions name it gen_ai.request.model (ATTR_GEN_AI_REQUEST_MODEL).`,
    );
    assert.equal(
      attributes["app.request.size"],
      Buffer.byteLength(text),
      `🚨 span "${span.name}" has app.request.size ${JSON.stringify(attributes["app.request.size"])}, expected the question's size in bytes (${Buffer.byteLength(text)}, Buffer.byteLength) under our own prefix app.`,
    );
  }

  it("research() puts user.id, gen_ai.request.model and app.request.size on its span", async () => {
    assertDescribesRequest(activeDuring(await runResearch(), "ResearchAgent.research"), "user_42", question);
  });

  it("a request that fails halfway is described as well (the attributes are set before the first await)", async () => {
    const llm = new FakeLLM();
    llm.failNext("rate_limit");
    const agent = new lesson.ResearchAgent("research_agent", "gpt-4", { llm });
    const failing = "What is head-based sampling?";
    await assert.rejects(
      telemetry.tracer().startActiveSpan("test.request", async (span) => {
        try {
          return await agent.research("user_9", failing);
        } finally {
          span.end();
        }
      }),
      "🚨 research() should reject when the model call fails",
    );
    assertDescribesRequest(activeDuring(telemetry.spans(), "ResearchAgent.research"), "user_9", failing);
  });

  it("keeps the seed's \"avoid\" list off every span: no llm.model, no debug.full_request", async () => {
    for (const span of await runResearch()) {
      assert.equal(span.attributes["debug.full_request"], undefined, `🚨 span "${span.name}" carries debug.full_request: the whole request as JSON is large, costly and may hold user data. Record its size instead.`);
      assert.equal(span.attributes["llm.model"], undefined, `🚨 span "${span.name}" carries llm.model: use gen_ai.request.model, the semantic-convention key.`);
    }
  });

  it('findSources() adds a "sources_found" event with app.sources.count to its span', async () => {
    const { spans, report } = await runResearchWithReport();
    const span = activeDuring(spans, "ResearchAgent.findSources");
    const event = span.events.find((candidate) => candidate.name === "sources_found");
    assert.ok(event, `🚨 span "${span.name}" has no "sources_found" event: add one to the active span inside findSources() (Span.addEvent)`);
    assert.equal(typeof event.attributes?.["app.sources.count"], "number", '🚨 the "sources_found" event should carry "app.sources.count", the number of sources found');
    assert.equal(
      event.attributes?.["app.sources.count"],
      report.sources.length,
      `🚨 "app.sources.count" should be the number of sources findSources() returned (${report.sources.length})`,
    );
  });
});
