/**
 * Lesson 05 tests. `npm run verify -- 05` runs them against your
 * lessons/05-async.ts; one describe per task in lessons/05-async.md.
 *
 * Ordering is checked from the order the SDK calls a span processor's
 * onStart/onEnd, never from timestamps: each span's times are anchored on
 * Date.now() (whole milliseconds), so timestamps of different spans cannot
 * order events a few microseconds apart.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpanStatusCode, type Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { FakeLLM } from "../shared/agents/index.ts";
import {
  assertChildOf,
  assertTraceShape,
  childrenOf,
  findSpan,
  parentId,
  parentOf,
  roots,
  spanId,
  spansNamed,
  traceId,
  useTestTelemetry,
  loadLesson,
} from "../shared/testing/index.ts";
import type * as Lesson from "./05-async.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

/** Records "start <id>" / "end <id>" in the order the SDK reports them. */
class LifecycleLog implements SpanProcessor {
  readonly entries: string[] = [];
  onStart(span: Span, _parent: Context): void {
    this.entries.push(`start ${span.spanContext().spanId}`);
  }
  onEnd(span: ReadableSpan): void {
    this.entries.push(`end ${span.spanContext().spanId}`);
  }
  at(what: "start" | "end", span: ReadableSpan): number {
    return this.entries.indexOf(`${what} ${spanId(span)}`);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function useTelemetryWithLog() {
  let log = new LifecycleLog();
  const telemetry = useTestTelemetry({ spanProcessors: () => [(log = new LifecycleLog())] });
  return { telemetry, log: () => log };
}

/** Every span's parent is among the finished spans: nothing ended too late to be seen, nothing left open. */
function assertNoOrphans(spans: readonly ReadableSpan[]): void {
  for (const span of spans) {
    if (span.parentSpanContext === undefined) continue;
    assert.ok(
      parentOf(spans, span),
      `🚨 span "${span.name}" points at parent ${parentId(span)}, which never finished: was the parent ended (span.end() in finally)?`,
    );
  }
}

/** Each parent starts before and ends after every one of its children. */
function assertParentsEnclose(spans: readonly ReadableSpan[], log: LifecycleLog): void {
  for (const span of spans) {
    const parent = parentOf(spans, span);
    if (!parent) continue;
    assert.ok(log.at("start", parent) < log.at("start", span), `🚨 "${span.name}" started before its parent "${parent.name}"`);
    assert.ok(
      log.at("end", parent) > log.at("end", span),
      `🚨 "${parent.name}" ended before its child "${span.name}": the parent did not wait for work it started. ` +
        "Either the parent waits for the work (await it before the span ends), or the work starts a trace of its own " +
        "(SpanOptions.root) with a link back (SpanOptions.links), as in task 3.",
    );
  }
}

describe("Task 1: concurrent tasks, each under the right parent", () => {
  const { telemetry, log } = useTelemetryWithLog();

  it("puts each task span under analyze_message and each model call under its task", async () => {
    await lesson.analyzeMessage(new FakeLLM(), "My order from Berlin has not arrived.");
    const spans = telemetry.spans();
    assertTraceShape(
      spans,
      `
      analyze_message
        analyze_sentiment
          chat gpt-4
        extract_entities
          chat gpt-4
        generate_response
          chat gpt-4
      `,
      "Each chat span should sit under its own task span. A span becomes the parent of new spans only while it is the active span: look at tracer.startActiveSpan (startSpan alone does not make a span active).",
    );
    assertNoOrphans(spans);
  });

  it("runs the tasks concurrently, inside the parent's lifetime", async () => {
    await lesson.analyzeMessage(new FakeLLM(), "My order from Berlin has not arrived.");
    const spans = telemetry.spans();
    const tasks = ["analyze_sentiment", "extract_entities", "generate_response"].map((name) => findSpan(spans, name));
    // First the lifetimes: a task span that ends before its model call would also
    // look "sequential" below, and that is not its problem.
    for (const task of tasks) {
      const [chat] = childrenOf(spans, task);
      assert.ok(chat, `🚨 "${task.name}" has no child span: make the task span the active span while its work runs (tracer.startActiveSpan)`);
      assert.ok(
        log().at("end", task) > log().at("end", chat),
        `🚨 "${task.name}" ended before its child "${chat.name}": runTask ended its span while the work was still running. ` +
          "A finally block runs as soon as the try block returns, and returning a promise without awaiting it returns at once: " +
          "the span must end only after the work's promise has settled (await it inside try).",
      );
    }
    const firstTaskEnd = Math.min(...tasks.map((task) => log().at("end", task)));
    for (const task of tasks) {
      assert.ok(log().at("start", task) < firstTaskEnd, `🚨 "${task.name}" started only after another task ended: run the tasks together with Promise.all / allSettled, not one after another`);
    }
    assertParentsEnclose(spans, log());
  });

  it('adds the event "all_tasks_completed" to analyze_message', async () => {
    await lesson.analyzeMessage(new FakeLLM(), "Hello");
    const parent = findSpan(telemetry.spans(), "analyze_message");
    const event = parent.events.find((e) => e.name === "all_tasks_completed");
    assert.ok(event, `🚨 analyze_message has no "all_tasks_completed" event (span.addEvent). Events: ${parent.events.map((e) => e.name).join(", ") || "(none)"}`);
    assert.equal(event.attributes?.["app.task.count"], 3, `🚨 the "all_tasks_completed" event should carry "app.task.count", the number of tasks that ran (3); it has ${JSON.stringify(event.attributes ?? {})}`);
    assert.equal(event.attributes?.["app.task.failed"], 0, `🚨 the "all_tasks_completed" event should carry "app.task.failed", the number of tasks that failed (0 here); it has ${JSON.stringify(event.attributes ?? {})}`);
  });

  it("marks only the failing task ERROR, and waits for the others before ending the parent", async () => {
    const llm = new FakeLLM({ failWhen: (request) => (request.messages[0]!.content.startsWith("List the people") ? "timeout" : undefined) });
    await assert.rejects(lesson.analyzeMessage(llm, "Hello"), /timed out/, "🚨 analyzeMessage should reject when a task fails (it rethrows the first failure)");
    const spans = telemetry.spans();
    assert.equal(
      findSpan(spans, "extract_entities").status.code,
      SpanStatusCode.ERROR,
      '🚨 the failing task "extract_entities" is not ERROR: record the failure on the task span in runTask (recordSpanError). ' +
        "A catch block sees a rejection only when the promise is awaited inside its try.",
    );
    assert.equal(findSpan(spans, "analyze_sentiment").status.code, SpanStatusCode.UNSET, "🚨 a task that succeeded should stay UNSET");
    assert.equal(
      findSpan(spans, "analyze_message").events.find((e) => e.name === "all_tasks_completed")?.attributes?.["app.task.failed"],
      1,
      '🚨 "all_tasks_completed" should count the failed task in "app.task.failed" (1 of 3 failed here)',
    );
    assertParentsEnclose(spans, log());
  });
});

// Not a task (verify does not list it): the reason setupTelemetry registers an
// AsyncLocalStorageContextManager, shown on this lesson's own code.
describe("Demonstration: without a context manager", () => {
  const telemetry = useTestTelemetry({ contextManager: false });

  it("every span starts a trace of its own: the symptom of a missing context manager", async () => {
    await lesson.analyzeMessage(new FakeLLM(), "Hello");
    const spans = telemetry.spans();
    assert.equal(spans.length, 7, `🚨 analyzeMessage should end 7 spans (1 + 3 tasks + 3 model calls); it ended ${spans.length}: ${spans.map((span) => span.name).join(", ")}`);
    // Without a context manager, context.active() is always the empty root
    // context: startActiveSpan has nowhere to keep the active span.
    assert.equal(roots(spans).length, 7, "🚨 expected all 7 spans to be roots when no context manager is registered");
    assert.equal(new Set(spans.map(traceId)).size, 7, "🚨 expected 7 traces of one span each when no context manager is registered");
  });
});

describe("Task 2: work queued now, run later", () => {
  const { telemetry, log } = useTelemetryWithLog();

  it("keeps the queued model call under answer_question", async () => {
    const queue = new lesson.JobQueue();
    const answer = await lesson.answerViaQueue(new FakeLLM(), queue, "What is a span link?");
    assert.ok(answer, "🚨 answerViaQueue should return the model's answer");
    const spans = telemetry.spans();
    const chat = findSpan(spans, "chat gpt-4");
    assert.ok(
      chat.parentSpanContext !== undefined,
      '🚨 the queued model call started a trace of its own: the worker called the job in the worker\'s context (the queue was created outside any span), ' +
        "not in the context of answer_question, which queued it. Carry the context along with the job: look at context.bind(ctx, fn) and context.active().",
    );
    assertChildOf(spans, chat, findSpan(spans, "answer_question"));
    assertNoOrphans(spans);
    assertParentsEnclose(spans, log());
  });

  it("keeps concurrent questions apart: each chat span under its own answer_question", async () => {
    const queue = new lesson.JobQueue();
    await Promise.all([
      lesson.answerViaQueue(new FakeLLM(), queue, "first"),
      lesson.answerViaQueue(new FakeLLM(), queue, "second"),
    ]);
    const spans = telemetry.spans();
    assertTraceShape(
      spans,
      `
      answer_question
        chat gpt-4
      answer_question
        chat gpt-4
      `,
      "The queued job ran in the worker's context, not in the context of the request that queued it. Look at context.bind(ctx, fn) (and context.active(), which captures the context now).",
    );
    for (const question of spansNamed(spans, "answer_question")) {
      assert.equal(childrenOf(spans, question).length, 1, `🚨 each answer_question should have exactly its own chat span; one has ${childrenOf(spans, question).length}`);
    }
  });

  it("runs a job in the context of whoever queued it, not in the worker's", async () => {
    // The worker loop starts with the queue. Created inside a span, it would
    // carry that span's context for ever: a job queued from anywhere else must
    // not end up under it. Passes whether the job is bound where it is queued
    // or the queue captures the context in enqueue().
    const tracer = telemetry.tracer();
    const queue = tracer.startActiveSpan("startup", (span) => {
      const created = new lesson.JobQueue();
      span.end();
      return created;
    });
    await lesson.answerViaQueue(new FakeLLM(), queue, "What is a span link?");
    const spans = telemetry.spans();
    const chat = findSpan(spans, "chat gpt-4");
    assert.notEqual(
      parentOf(spans, chat)?.name,
      "startup",
      '🚨 the queued model call landed under "startup", the span that was active when the queue (and its worker) was created: ' +
        "the job ran in the worker's context. Carry the context of the code that queues the job to where it runs (context.bind, or context.active() captured at enqueue time and context.with() in the worker).",
    );
    assertChildOf(spans, chat, findSpan(spans, "answer_question"));
  });
});

describe("Task 3: work that outlives its parent", () => {
  const { telemetry, log } = useTelemetryWithLog();

  it("replies, and the background memory update still runs to the end", async () => {
    const handled = await lesson.handleRequest(new FakeLLM(), "Remember that I prefer short answers.");
    assert.ok(handled.reply, "🚨 handleRequest should return the reply");
    await handled.background;
    const spans = telemetry.spans();
    assert.equal(spansNamed(spans, "update_memory").length, 1, '🚨 expected one finished "update_memory" span');
    assertNoOrphans(spans);
  });

  it("no span outlives its parent: the memory update is a trace of its own", async () => {
    const handled = await lesson.handleRequest(new FakeLLM(), "Remember that I prefer short answers.");
    await handled.background;
    const spans = telemetry.spans();
    const request = findSpan(spans, "handle_request");
    const memory = findSpan(spans, "update_memory");
    assertParentsEnclose(spans, log());
    assert.equal(
      memory.parentSpanContext,
      undefined,
      '🚨 "update_memory" became a child of the span that was active when it started, and it outlives handle_request. ' +
        "Follow-up work starts a trace of its own: look at SpanOptions.root.",
    );
    assert.notEqual(traceId(memory), traceId(request), '🚨 "update_memory" should be in a trace of its own, not in handle_request\'s trace');
    assertTraceShape(
      spans,
      `
      handle_request
        chat gpt-4
      update_memory
        chat gpt-4
      `,
    );
  });

  it("links the memory update back to the request that caused it", async () => {
    const handled = await lesson.handleRequest(new FakeLLM(), "Remember that I prefer short answers.");
    await handled.background;
    const spans = telemetry.spans();
    const request = findSpan(spans, "handle_request");
    const memory = findSpan(spans, "update_memory");
    const link = memory.links.find((l) => l.context.spanId === spanId(request) && l.context.traceId === traceId(request));
    assert.ok(
      link,
      '🚨 "update_memory" has no link to handle_request, so nothing leads from the follow-up work back to the request that caused it. ' +
        "Look at SpanOptions.links: a link points at another span's SpanContext (span.spanContext()).",
    );
  });
});
