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
import { FakeLLM, tracedChat } from "../shared/agents/index.ts";
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
        "Await the child before ending the parent, or start the work as its own trace with a link (task 3).",
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
      "Each chat span should sit under its own task. Start each task with tracer.startActiveSpan(name, ...) so it is the active span while its work runs; startSpan() alone does not make it active.",
    );
    assertNoOrphans(spans);
  });

  it("runs the tasks concurrently, inside the parent's lifetime", async () => {
    await lesson.analyzeMessage(new FakeLLM(), "My order from Berlin has not arrived.");
    const spans = telemetry.spans();
    const tasks = ["analyze_sentiment", "extract_entities", "generate_response"].map((name) => findSpan(spans, name));
    const firstTaskEnd = Math.min(...tasks.map((task) => log().at("end", task)));
    for (const task of tasks) {
      assert.ok(log().at("start", task) < firstTaskEnd, `🚨 "${task.name}" started only after another task ended: run the tasks together with Promise.all / allSettled, not one after another`);
      // Its model call must be its child; assertParentsEnclose then checks the call lies within the task.
      const [chat] = childrenOf(spans, task);
      assert.ok(chat, `🚨 "${task.name}" has no child span: make it the active span while its work runs (startActiveSpan)`);
    }
    assertParentsEnclose(spans, log());
  });

  it('adds the event "all_tasks_completed" to analyze_message', async () => {
    await lesson.analyzeMessage(new FakeLLM(), "Hello");
    const parent = findSpan(telemetry.spans(), "analyze_message");
    const event = parent.events.find((e) => e.name === "all_tasks_completed");
    assert.ok(event, `🚨 analyze_message has no "all_tasks_completed" event (span.addEvent). Events: ${parent.events.map((e) => e.name).join(", ") || "(none)"}`);
    assert.equal(event.attributes?.["task.count"], 3, '🚨 the event should carry "task.count": 3');
    assert.equal(event.attributes?.["task.failed"], 0, '🚨 the event should carry "task.failed": 0 when all succeed');
  });

  it("marks only the failing task ERROR, and waits for the others before ending the parent", async () => {
    const llm = new FakeLLM({ failWhen: (request) => (request.messages[0]!.content.startsWith("List the people") ? "timeout" : undefined) });
    await assert.rejects(lesson.analyzeMessage(llm, "Hello"), /timed out/);
    const spans = telemetry.spans();
    assert.equal(findSpan(spans, "extract_entities").status.code, SpanStatusCode.ERROR, '🚨 the failing task "extract_entities" should be ERROR: record the failure in runTask');
    assert.equal(findSpan(spans, "analyze_sentiment").status.code, SpanStatusCode.UNSET, "🚨 a task that succeeded should stay UNSET");
    assert.equal(
      findSpan(spans, "analyze_message").events.find((e) => e.name === "all_tasks_completed")?.attributes?.["task.failed"],
      1,
      '🚨 "all_tasks_completed" should count the failed task in "task.failed"',
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
    assert.equal(spans.length, 7);
    // Without a context manager, context.active() is always the empty root
    // context: startActiveSpan has nowhere to keep the active span.
    assert.equal(roots(spans).length, 7, "🚨 expected all 7 spans to be roots when no context manager is registered");
    assert.equal(new Set(spans.map(traceId)).size, 7);
  });
});

describe("Task 2: work queued now, run later", () => {
  const { telemetry, log } = useTelemetryWithLog();

  it("keeps the queued model call under answer_question", async () => {
    const queue = new lesson.JobQueue();
    const answer = await lesson.answerViaQueue(new FakeLLM(), queue, "What is a span link?");
    assert.ok(answer, "🚨 answerViaQueue should return the model's answer");
    const spans = telemetry.spans();
    assertChildOf(spans, findSpan(spans, "chat gpt-4"), findSpan(spans, "answer_question"));
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
      "The queued job ran in the worker's context. Enqueue context.bind(context.active(), job) so it runs in the context of the request that queued it.",
    );
    for (const question of spansNamed(spans, "answer_question")) {
      assert.equal(childrenOf(spans, question).length, 1, "🚨 each answer_question should have exactly its own chat span");
    }
  });

  it("control: the queue really does lose the context of an unbound job", async () => {
    // Proves the test above tests something: without the fix, the job's span
    // is a root, because the worker (started outside any span) calls it.
    const queue = new lesson.JobQueue();
    const llm = new FakeLLM();
    await telemetry.tracer().startActiveSpan("request", async (span) => {
      await queue.enqueue(() => tracedChat(llm, { model: "gpt-4", messages: [{ role: "user", content: "hi" }] }));
      span.end();
    });
    const chat = findSpan(telemetry.spans(), "chat gpt-4");
    assert.equal(chat.parentSpanContext, undefined, "the JobQueue should run jobs in its worker's context (this is the lesson's premise)");
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
      '🚨 "update_memory" should start a new trace: pass { root: true } so it does not become a child that outlives handle_request',
    );
    assert.notEqual(traceId(memory), traceId(request));
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
      '🚨 "update_memory" has no link to handle_request: pass links: [{ context: span.spanContext() }] when starting it, so the follow-up work can be found from the request',
    );
  });
});
