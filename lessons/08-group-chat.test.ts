/**
 * Lesson 08 tests. `npm run verify -- 08` runs them against your
 * lessons/08-group-chat.ts; one describe per task in lessons/08-group-chat.md,
 * then one that checks the whole trace once every task is done.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import type { MetricData } from "@opentelemetry/sdk-metrics";
import { SamplingDecision, type ReadableSpan, type Sampler, type SamplingResult } from "@opentelemetry/sdk-trace-base";
import { Agent, FakeLLM, RateLimitError, type ChatRequest, type ChatResponse } from "../shared/agents/index.ts";
import {
  assertChildOf,
  assertTraceShape,
  findSpan,
  loadLesson,
  parentOf,
  spanId,
  spansNamed,
  statusName,
  traceId,
  useTestTelemetry,
} from "../shared/testing/index.ts";
import type * as Lesson from "./08-group-chat.ts";

const lesson = await loadLesson<typeof Lesson>(import.meta.url);

const TOPIC = "讨论AI的未来发展";
const WORKFLOW = "invoke_workflow 技术讨论组";
const config = (maxRounds = 3) => ({ groupId: "tech_discussion", name: "技术讨论组", maxRounds });
const llm = (options: ConstructorParameters<typeof FakeLLM>[0] = {}) => new FakeLLM({ latencyMs: 0, ...options });
const alwaysRateLimited = () => llm({ failWhen: () => "rate_limit" });

/** Keeps every span, and remembers the attributes each span had when it started: what a sampler gets to see. */
class StartAttributesSampler implements Sampler {
  readonly seen = new Map<string, Attributes>();
  shouldSample(_context: unknown, _traceId: string, spanName: string, _kind: SpanKind, attributes: Attributes): SamplingResult {
    this.seen.set(spanName, { ...attributes });
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }
  toString(): string {
    return "StartAttributesSampler";
  }
}

/** Fails unless `span` had `keys` when it started, naming the ones that came later (or never). */
function assertSetAtStart(sampler: StartAttributesSampler, span: ReadableSpan, keys: readonly string[]): void {
  const atStart = sampler.seen.get(span.name) ?? {};
  const late = keys.filter((key) => !(key in atStart));
  assert.deepEqual(
    late,
    [],
    `🚨 "${span.name}" did not have ${late.join(", ")} when it started${late.some((key) => key in span.attributes) ? " (set later, after the start)" : ""}. ` +
      "A sampler sees only the attributes passed when the span starts (lesson 06), and the GenAI conventions ask for these " +
      "\"at span creation time\": pass them in the attributes option of startActiveSpan, not with setAttribute() afterwards.",
  );
}

/** Exactly one finished span with this name, or a 🚨 that says which step should have started it. */
function theSpan(spans: readonly ReadableSpan[], name: string, missing: string): ReadableSpan {
  const found = spansNamed(spans, name);
  assert.equal(found.length, 1, found.length === 0 ? `🚨 no finished span named "${name}": ${missing} (finished spans: ${spans.map((span) => `"${span.name}"`).join(", ") || "none"})` : `🚨 expected one span named "${name}", found ${found.length}`);
  return found[0]!;
}

/** A plain (untraced) agent that starts one span of the test's own inside its model call: where does it land? */
class ProbeAgent extends Agent {
  protected override async chat(request: ChatRequest): Promise<ChatResponse> {
    trace.getTracer("probe").startSpan(`probe ${this.name}`).end();
    return super.chat(request);
  }
}

/** An agent that gives the same answer every round, so the discussion stops early, by consensus. */
class RepeatingAgent extends Agent {
  protected override async chat(request: ChatRequest): Promise<ChatResponse> {
    return { ...(await super.chat(request)), content: "我同意。" };
  }
}

/** The seed's group with plain agents: no chat spans, whatever task 4 looks like. */
function plainChat(maxRounds = 3, advisorLlm = llm({ seed: 2 })) {
  return new lesson.TracedGroupChat(config(maxRounds))
    .addAgent(new Agent("expert", "gpt-4", { llm: llm({ seed: 1 }) }), "专家")
    .addAgent(new Agent("advisor", "gpt-4o-mini", { llm: advisorLlm }), "顾问");
}

/** Walks up the parents: is `ancestor` above `span`? */
function isDescendant(spans: readonly ReadableSpan[], span: ReadableSpan, ancestor: ReadableSpan): boolean {
  for (let current = parentOf(spans, span); current; current = parentOf(spans, current)) {
    if (spanId(current) === spanId(ancestor)) return true;
  }
  return false;
}

function dataPoints(all: MetricData[], name: string) {
  const metric = all.find((m) => m.descriptor.name === name);
  return metric?.dataPoints ?? [];
}

function sumOf(all: MetricData[], name: string, attributes: Record<string, string>): number {
  return dataPoints(all, name)
    .filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + (point.value as number), 0);
}

describe("Task 1: one session span per message", () => {
  const sampler = new StartAttributesSampler();
  const telemetry = useTestTelemetry({ sampler });

  it(`records "${WORKFLOW}" as the root, with the GenAI workflow attributes`, async () => {
    const chat = plainChat();
    const session = chat.startSession();
    const result = await chat.processMessage(TOPIC);
    const span = theSpan(telemetry.spans(), WORKFLOW, "processMessage() runs the discussion without a span of its own. Wrap super.processMessage() in an active span with that name (tracer.startActiveSpan), ended in finally");
    assert.equal(span.parentSpanContext, undefined, "🚨 the session span should be the root of its trace");
    assert.equal(span.kind, SpanKind.INTERNAL, "🚨 the workflow runs in this process: SpanKind.INTERNAL");
    assert.equal(span.attributes["gen_ai.operation.name"], "invoke_workflow", `🚨 gen_ai.operation.name is ${JSON.stringify(span.attributes["gen_ai.operation.name"])}, not "invoke_workflow" (GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW)`);
    assert.equal(span.attributes["gen_ai.workflow.name"], "技术讨论组", `🚨 gen_ai.workflow.name (ATTR_GEN_AI_WORKFLOW_NAME) is ${JSON.stringify(span.attributes["gen_ai.workflow.name"])}, not the chat's name (config.name)`);
    assert.equal(
      span.attributes["gen_ai.conversation.id"],
      session.id,
      "🚨 gen_ai.conversation.id should be the session id: it is what joins every message of one conversation",
    );
    assertSetAtStart(sampler, span, ["gen_ai.operation.name"]);
    assert.equal(result.sessionId, session.id, "🚨 processMessage should still return the discussion's result");
    assert.equal(statusName(span.status.code), "UNSET", "🚨 the session span of a discussion that went fine should stay UNSET: leave the status alone on success (OK is a claim this code does not check; lesson 04)");
  });

  it("sums the discussion up on the session span: rounds, replies, failed agents", async () => {
    const result = await plainChat(3).processMessage(TOPIC);
    const span = findSpan(telemetry.spans(), WORKFLOW);
    const counts = { "app.group_chat.rounds": span.attributes["app.group_chat.rounds"], "app.group_chat.replies": span.attributes["app.group_chat.replies"], "app.group_chat.failed_agents": span.attributes["app.group_chat.failed_agents"] };
    assert.deepEqual(
      counts,
      { "app.group_chat.rounds": result.rounds.length, "app.group_chat.replies": result.responses.length, "app.group_chat.failed_agents": result.failures.length },
      `🚨 the session span should carry the discussion's totals once it is over (ATTR.rounds, ATTR.replies, ATTR.failedAgents); it has ${JSON.stringify(counts)}`,
    );
  });

  it("adds the events message_received and max_rounds_reached", async () => {
    const result = await plainChat(3).processMessage(TOPIC);
    assert.equal(result.stoppedBy, "max_rounds", "🚨 (test fixture) this discussion should run to the round limit: did processMessage change the discussion?");
    const events = findSpan(telemetry.spans(), WORKFLOW).events;
    const names = events.map((event) => event.name);
    const received = events.find((event) => event.name === "message_received");
    assert.ok(received, `🚨 no "message_received" event on the session span (events: ${names.join(", ") || "none"}): look at span.addEvent`);
    assert.equal(received.attributes?.["app.message.length"], TOPIC.length, `🚨 "message_received" should carry the message's length (not its text) in app.message.length; it has ${JSON.stringify(received.attributes ?? {})}`);
    const reached = events.find((event) => event.name === "max_rounds_reached");
    assert.ok(reached, `🚨 no "max_rounds_reached" event although the round limit ended the discussion (result.stoppedBy); events: ${names.join(", ")}`);
    assert.equal(reached.attributes?.["app.group_chat.max_rounds"], 3, `🚨 "max_rounds_reached" should carry the limit that was reached in app.group_chat.max_rounds; it has ${JSON.stringify(reached.attributes ?? {})}`);
  });

  it("adds no max_rounds_reached event when the discussion stopped early", async () => {
    const chat = new lesson.TracedGroupChat(config(5)).addAgent(new RepeatingAgent("expert", "gpt-4", { llm: llm() }), "专家");
    const result = await chat.processMessage(TOPIC);
    assert.equal(result.stoppedBy, "consensus", "🚨 (test fixture) an agent that repeats itself should stop the discussion after round 2: did processMessage change the discussion?");
    const names = findSpan(telemetry.spans(), WORKFLOW).events.map((event) => event.name);
    assert.ok(
      !names.includes("max_rounds_reached"),
      '🚨 "max_rounds_reached" was added although the discussion stopped by consensus: add it only when result.stoppedBy === "max_rounds"',
    );
  });

  it("is the active span while the rounds run: everything inside joins its trace", async () => {
    const chat = new lesson.TracedGroupChat(config(1)).addAgent(new ProbeAgent("expert", "gpt-4", { llm: llm() }), "专家");
    await chat.processMessage(TOPIC);
    const spans = telemetry.spans();
    const workflow = findSpan(spans, WORKFLOW);
    const probe = findSpan(spans, "probe expert");
    assert.ok(
      traceId(probe) === traceId(workflow) && isDescendant(spans, probe, workflow),
      "🚨 a span started during the discussion is not inside the session span: use tracer.startActiveSpan() so the session span is active while super.processMessage() runs",
    );
    assert.ok(workflow.ended, "🚨 end the session span");
  });

  it("ends the session span and marks it ERROR when the discussion fails", async () => {
    const chat = new lesson.TracedGroupChat(config(2)).addAgent(new Agent("advisor", "gpt-4o-mini", { llm: alwaysRateLimited() }), "顾问");
    await assert.rejects(chat.processMessage(TOPIC), "🚨 with every agent failing the discussion cannot go on: processMessage should reject");
    const spans = telemetry.spans();
    const workflow = spansNamed(spans, WORKFLOW);
    assert.equal(workflow.length, 1, `🚨 no finished "${WORKFLOW}" span when every agent failed: the span is ended only on success. End it in finally, on every path`);
    assert.equal(statusName(workflow[0]!.status.code), "ERROR", "🚨 the discussion failed, but the session span is not ERROR: record the failure (recordSpanError) before rethrowing");
  });
});

describe("Task 2: a span per round", () => {
  const sampler = new StartAttributesSampler();
  const telemetry = useTestTelemetry({ sampler });

  it('names every round "group_chat.round" and numbers it with app.group_chat.round.number', async () => {
    const test = telemetry.tracer();
    await test.startActiveSpan("test session", async (parent) => {
      await plainChat(3).processMessage(TOPIC);
      parent.end();
    });
    const spans = telemetry.spans();
    const rounds = spansNamed(spans, "group_chat.round");
    const roundLike = spans.filter((span) => /round/i.test(span.name)).map((span) => span.name);
    assert.equal(
      rounds.length,
      3,
      roundLike.length === 0
        ? '🚨 no round spans: runRound() runs each round without a span of its own. Wrap this.gatherReplies() in an active span named "group_chat.round" (tracer.startActiveSpan), ended in finally'
        : `🚨 expected 3 spans named "group_chat.round", found ${rounds.length} (round-like spans: ${roundLike.join(", ")}). The number goes in an attribute, not the name.`,
    );
    assert.deepEqual(
      rounds.map((span) => span.attributes["app.group_chat.round.number"]).sort(),
      [1, 2, 3],
      "🚨 each round span needs app.group_chat.round.number (ATTR.roundNumber: a number, 1, 2, 3)",
    );
    for (const round of rounds) assertSetAtStart(sampler, round, ["app.group_chat.round.number"]);
    const parents = new Set(rounds.map((span) => span.parentSpanContext?.spanId));
    assert.equal(parents.size, 1, "🚨 the rounds should be siblings under one parent: each round starts in the session's context, not inside the previous round");
    assert.ok(rounds.every((span) => traceId(span) === traceId(findSpan(spans, "test session"))), "🚨 the rounds left the caller's trace");
  });

  it("adds round_completed with the reply and failure counts, and ends the span", async () => {
    const chat = plainChat();
    chat.startSession();
    await chat.runRound(2, TOPIC);
    const round = findSpan(telemetry.spans(), "group_chat.round");
    const event = round.events.find((e) => e.name === "round_completed");
    assert.ok(event, '🚨 no "round_completed" event on the round span');
    assert.equal(event.attributes?.["app.group_chat.replies"], 2, "🚨 round_completed should carry app.group_chat.replies (how many agents answered)");
    assert.equal(event.attributes?.["app.group_chat.failed_agents"], 0, "🚨 round_completed should carry app.group_chat.failed_agents (how many agents failed)");
    assert.equal(round.attributes["app.group_chat.replies"], 2, "🚨 set app.group_chat.replies on the round span too");
    assert.equal(round.attributes["app.group_chat.failed_agents"], 0, "🚨 set app.group_chat.failed_agents on the round span");
    assert.equal(statusName(round.status.code), "UNSET", "🚨 a round that went fine should stay UNSET: leave the status alone on success (lesson 04)");
  });

  it("marks the round ERROR, and still ends it, when every agent failed", async () => {
    const chat = new lesson.TracedGroupChat(config(1)).addAgent(new Agent("advisor", "gpt-4o-mini", { llm: alwaysRateLimited() }), "顾问");
    chat.startSession();
    await assert.rejects(chat.runRound(1, TOPIC), "🚨 a round in which nobody answered should reject");
    const rounds = spansNamed(telemetry.spans(), "group_chat.round");
    assert.equal(rounds.length, 1, '🚨 no finished "group_chat.round" span when every agent failed: end it in finally, on every path');
    assert.equal(
      statusName(rounds[0]!.status.code),
      "ERROR",
      "🚨 nobody answered in this round, yet its span is not ERROR: record the failure that reaches the round (recordSpanError) before rethrowing",
    );
  });

  it("is the active span while the agents answer", async () => {
    const chat = new lesson.TracedGroupChat(config(1)).addAgent(new ProbeAgent("expert", "gpt-4", { llm: llm() }), "专家");
    chat.startSession();
    await chat.runRound(1, TOPIC);
    const spans = telemetry.spans();
    assert.ok(
      isDescendant(spans, findSpan(spans, "probe expert"), findSpan(spans, "group_chat.round")),
      "🚨 the agents' work is not inside the round span: start it with startActiveSpan()",
    );
  });
});

describe("Task 3: an invoke_agent span per agent turn", () => {
  const sampler = new StartAttributesSampler();
  const telemetry = useTestTelemetry({ sampler });

  it("records one invoke_agent span per agent, siblings in parallel (none nested in another)", async () => {
    const chat = plainChat();
    chat.startSession();
    await telemetry.tracer().startActiveSpan("test round", async (parent) => {
      await chat.runRound(1, TOPIC);
      parent.end();
    });
    const spans = telemetry.spans();
    const expert = theSpan(spans, "invoke_agent expert", "an agent's turn runs without a span of its own. Wrap the turn (super.askAgent) in an active span named invoke_agent {agent name}, ended in finally");
    const advisor = findSpan(spans, "invoke_agent advisor");
    assert.notEqual(parentOf(spans, advisor)?.name, "invoke_agent expert", "🚨 invoke_agent advisor is nested under invoke_agent expert: each parallel turn needs its own span active in its own branch (startActiveSpan)");
    assert.notEqual(parentOf(spans, expert)?.name, "invoke_agent advisor", "🚨 invoke_agent expert is nested under invoke_agent advisor");
    assert.equal(expert.parentSpanContext?.spanId, advisor.parentSpanContext?.spanId, "🚨 both agents of a round should have the same parent");
    assert.ok(isDescendant(spans, expert, findSpan(spans, "test round")), "🚨 the agent spans left the caller's trace");
  });

  it("is the active span while its agent works: spans started in the turn become its children", async () => {
    const chat = new lesson.TracedGroupChat(config(1))
      .addAgent(new ProbeAgent("expert", "gpt-4", { llm: llm({ seed: 1 }) }), "专家")
      .addAgent(new ProbeAgent("advisor", "gpt-4o-mini", { llm: llm({ seed: 2 }) }), "顾问");
    chat.startSession();
    await telemetry.tracer().startActiveSpan("test round", async (parent) => {
      await chat.runRound(1, TOPIC);
      parent.end();
    });
    const spans = telemetry.spans();
    for (const name of ["expert", "advisor"]) {
      assert.equal(
        parentOf(spans, findSpan(spans, `probe ${name}`))?.name,
        `invoke_agent ${name}`,
        `🚨 a span started during ${name}'s turn is not a child of "invoke_agent ${name}": start the agent span with ` +
          "tracer.startActiveSpan() so it is active in its own async branch (startSpan() alone does not make it active)",
      );
    }
  });

  it("sets the GenAI agent attributes, the conversation id and the token usage", async () => {
    const chat = plainChat();
    const session = chat.startSession();
    const reply = await chat.askAgent(chat.members[0]!, TOPIC, 1);
    const span = findSpan(telemetry.spans(), "invoke_agent expert");
    assert.equal(span.kind, SpanKind.INTERNAL, "🚨 the agent runs in this process: SpanKind.INTERNAL");
    assert.equal(span.attributes["gen_ai.operation.name"], "invoke_agent", `🚨 gen_ai.operation.name is ${JSON.stringify(span.attributes["gen_ai.operation.name"])}, not "invoke_agent" (GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT)`);
    assert.equal(span.attributes["gen_ai.agent.name"], "expert", "🚨 set gen_ai.agent.name");
    assert.equal(span.attributes["gen_ai.request.model"], "gpt-4", "🚨 set gen_ai.request.model to the agent's model");
    assert.equal(span.attributes["gen_ai.provider.name"], "fake", "🚨 set gen_ai.provider.name (FAKE_PROVIDER_NAME from shared/agents)");
    assert.equal(span.attributes["gen_ai.conversation.id"], session.id, "🚨 set gen_ai.conversation.id to the session id");
    assert.equal(span.attributes["app.group_chat.agent.role"], "专家", "🚨 set app.group_chat.agent.role (ATTR.role) to the member's role");
    assert.equal(span.attributes["gen_ai.usage.output_tokens"], reply.usage.outputTokens, "🚨 put the reply's token usage on the agent span (gen_ai.usage.input_tokens / output_tokens)");
    assert.equal(span.attributes["gen_ai.usage.input_tokens"], reply.usage.inputTokens, "🚨 put the reply's input tokens on the agent span too (gen_ai.usage.input_tokens)");
    assertSetAtStart(sampler, span, ["gen_ai.operation.name", "gen_ai.agent.name", "gen_ai.provider.name", "gen_ai.request.model"]);
    assert.equal(statusName(span.status.code), "UNSET", "🚨 a turn that succeeded should stay UNSET: leave the status alone on success (OK is a claim this code does not check; lesson 04)");
  });

  it("marks a failed turn ERROR with the exception, and rethrows", async () => {
    const chat = plainChat(3, alwaysRateLimited());
    chat.startSession();
    await assert.rejects(chat.askAgent(chat.members[1]!, TOPIC, 1), RateLimitError, "🚨 the agent's error must still reach the caller: rethrow it");
    const span = findSpan(telemetry.spans(), "invoke_agent advisor");
    assert.equal(statusName(span.status.code), "ERROR", "🚨 the failed agent span should have status ERROR (recordSpanError, lesson 04)");
    assert.ok(span.events.some((event) => event.name === "exception"), "🚨 record the exception on the span");
    assert.equal(span.attributes["error.type"], "rate_limit_exceeded", "🚨 set error.type (recordSpanError does)");
  });
});

describe("Task 4: chat spans for the model calls", () => {
  const telemetry = useTestTelemetry();

  it("records a CLIENT span `chat {model}` with GenAI attributes and token usage", async () => {
    const agent = new lesson.TracedLlmAgent("expert", "gpt-4", { llm: llm() });
    const reply = await agent.processMessage("tech_discussion", TOPIC);
    const span = theSpan(telemetry.spans(), "chat gpt-4", "the agent's model call is not traced. TracedLlmAgent's chat() should send the call through tracedChat from shared/agents, which records it as a chat {model} span");
    assert.equal(span.kind, SpanKind.CLIENT, "🚨 a model call leaves the process: SpanKind.CLIENT (tracedChat does this)");
    assert.equal(span.attributes["gen_ai.operation.name"], "chat", '🚨 the model call span should have gen_ai.operation.name "chat" (tracedChat sets it)');
    assert.equal(span.attributes["gen_ai.usage.input_tokens"], reply.usage.inputTokens, "🚨 the model call span should carry the reply's gen_ai.usage.input_tokens (tracedChat sets it)");
    assert.equal(span.attributes["gen_ai.usage.output_tokens"], reply.usage.outputTokens, "🚨 the model call span should carry the reply's gen_ai.usage.output_tokens (tracedChat sets it)");
  });

  it("marks a failed model call ERROR", async () => {
    const agent = new lesson.TracedLlmAgent("advisor", "gpt-4o-mini", { llm: alwaysRateLimited() });
    await assert.rejects(agent.processMessage("tech_discussion", TOPIC), RateLimitError, "🚨 the model's rate limit should still reach the caller");
    assert.equal(statusName(findSpan(telemetry.spans(), "chat gpt-4o-mini").status.code), "ERROR", "🚨 the failed model call's span should be ERROR (tracedChat records it: is the call sent through it?)");
  });
});

describe("Task 5: one agent's failure stays one agent's failure", () => {
  const telemetry = useTestTelemetry();

  it("keeps the round going when one agent fails: the others' replies count", async () => {
    const chat = plainChat(3, alwaysRateLimited());
    chat.startSession();
    const round = await chat.gatherReplies(1, TOPIC).catch((err: unknown) =>
      assert.fail(`🚨 one agent's failure rejected the whole round (${(err as Error).message}). Promise.all rejects at the first error; look at Promise.allSettled, which waits for every turn.`),
    );
    assert.deepEqual(round.replies.map((reply) => reply.agent), ["expert"], "🚨 the expert answered: its reply should be in the round's replies");
    assert.deepEqual(round.failures.map((failure) => failure.agent), ["advisor"], "🚨 the failed agent should be listed in the round's failures");
  });

  it("runs the discussion to max rounds even though one agent fails every time", async () => {
    let result;
    try {
      result = await plainChat(3, alwaysRateLimited()).processMessage(TOPIC);
    } catch (err) {
      assert.fail(`🚨 one agent's rate limit ended the whole chat (${(err as Error).message}). Promise.all rejects at the first error: use Promise.allSettled.`);
    }
    assert.equal(result.rounds.length, 3, `🚨 the discussion should run its 3 rounds; it ran ${result.rounds.length}`);
    assert.equal(result.stoppedBy, "max_rounds", `🚨 the discussion should stop at the round limit; it stopped by ${result.stoppedBy}`);
    assert.equal(result.responses.length, 3, "🚨 the expert's replies should all be there");
    assert.equal(result.failures.length, 3, `🚨 the advisor failed in each of the 3 rounds: 3 failures expected, ${result.failures.length} kept`);
    const errors = telemetry.spans().filter((span) => span.status.code === SpanStatusCode.ERROR && !/advisor|gpt-4o-mini/.test(span.name));
    assert.deepEqual(errors.map((span) => span.name), [], "🚨 only the failing agent's spans should be ERROR: a partial failure is not a failed session");
  });

  it("fails the round only when every agent failed", async () => {
    const chat = new lesson.TracedGroupChat(config(2)).addAgent(new Agent("advisor", "gpt-4o-mini", { llm: alwaysRateLimited() }), "顾问");
    chat.startSession();
    await assert.rejects(chat.gatherReplies(1, TOPIC), "🚨 with nobody answering the round cannot go on: reject");
  });
});

describe("Task 6: per-agent metrics", () => {
  const telemetry = useTestTelemetry();

  it("counts requests, tokens and errors by gen_ai.agent.name", async () => {
    const chat = plainChat(3, alwaysRateLimited());
    chat.startSession();
    const [expert, advisor] = chat.members;
    const first = await chat.askAgent(expert!, TOPIC, 1);
    const second = await chat.askAgent(expert!, `${TOPIC}?`, 2);
    await assert.rejects(chat.askAgent(advisor!, TOPIC, 1));
    const all = await telemetry.collectMetrics();
    const names = all.map((m) => m.descriptor.name).filter((name) => name.startsWith("group_chat."));
    assert.equal(
      sumOf(all, "group_chat.agent.requests", { "gen_ai.agent.name": "expert" }),
      2,
      `🚨 group_chat.agent.requests for expert should be 2 (metrics with data: ${names.join(", ") || "none"}). Count every turn with the requests counter's add(), by gen_ai.agent.name`,
    );
    assert.equal(sumOf(all, "group_chat.agent.requests", { "gen_ai.agent.name": "advisor" }), 1, "🚨 count failed turns as requests too");
    assert.equal(
      sumOf(all, "group_chat.agent.tokens", { "gen_ai.agent.name": "expert", "gen_ai.token.type": "output" }),
      first.usage.outputTokens + second.usage.outputTokens,
      '🚨 group_chat.agent.tokens should add the output tokens with gen_ai.token.type "output"',
    );
    assert.equal(
      sumOf(all, "group_chat.agent.tokens", { "gen_ai.agent.name": "expert", "gen_ai.token.type": "input" }),
      first.usage.inputTokens + second.usage.inputTokens,
      '🚨 group_chat.agent.tokens should add the input tokens with gen_ai.token.type "input"',
    );
    assert.equal(sumOf(all, "group_chat.agent.errors", { "gen_ai.agent.name": "advisor", "error.type": "rate_limit_exceeded" }), 1, "🚨 count the failure in group_chat.agent.errors with error.type");
    assert.equal(sumOf(all, "group_chat.agent.errors", { "gen_ai.agent.name": "expert" }), 0, "🚨 the expert did not fail");
    const sessionAttribute = [...dataPoints(all, "group_chat.agent.requests")].some((point) => "gen_ai.conversation.id" in point.attributes);
    assert.ok(!sessionAttribute, "🚨 no session id on metrics: every session would become a new time series");
  });
});

describe("The whole trace (every task together)", () => {
  const telemetry = useTestTelemetry();

  it("one connected trace per session: workflow → rounds → parallel agents → chat, one agent failing in round 2", async () => {
    const chat = lesson.createSeedGroupChat();
    const session = chat.startSession();
    const result = await chat.processMessage(TOPIC).catch((err: unknown) =>
      assert.fail(`🚨 the seed's discussion stopped at the advisor's rate limit (${(err as Error).message}): one agent's failure should stay one agent's failure (task 5)`),
    );
    assert.equal(result.rounds.length, 5, `🚨 the seed's discussion should run its 5 rounds; it ran ${result.rounds.length}`);
    const spans = telemetry.spans();
    const round = `
      group_chat.round
        invoke_agent advisor
          chat gpt-4o-mini
        invoke_agent expert
          chat gpt-4`;
    assertTraceShape(spans, `${WORKFLOW}${round.repeat(5).replace(/\n      /g, "\n        ")}`);
    const workflow = findSpan(spans, WORKFLOW);
    assert.ok(spans.every((span) => traceId(span) === traceId(workflow)), "🚨 every span of the session should be in one trace");

    for (const agentSpan of spansNamed(spans, /^invoke_agent /)) {
      assertChildOf(spans, agentSpan, parentOf(spans, agentSpan)!);
      assert.equal(parentOf(spans, agentSpan)?.name, "group_chat.round", `🚨 ${agentSpan.name} should sit directly under its round`);
      assert.equal(agentSpan.attributes["gen_ai.conversation.id"], session.id, `🚨 ${agentSpan.name} should carry the session id in gen_ai.conversation.id (task 3)`);
    }
    const failed = spans.filter((span) => span.status.code === SpanStatusCode.ERROR).map((span) => span.name).sort();
    assert.deepEqual(failed, ["chat gpt-4o-mini", "invoke_agent advisor"], "🚨 exactly the advisor's round-2 turn should be ERROR");
    const round2 = spansNamed(spans, "group_chat.round").find((span) => span.attributes["app.group_chat.round.number"] === 2);
    assert.ok(round2, "🚨 no round span with app.group_chat.round.number 2 (task 2)");
    assert.equal(round2.attributes["app.group_chat.failed_agents"], 1, "🚨 round 2's span should count the advisor's failure in app.group_chat.failed_agents (task 2)");
    assert.equal(workflow.attributes["app.group_chat.failed_agents"], 1, "🚨 the session span should count the advisor's failure in app.group_chat.failed_agents (task 1)");
    assert.equal(statusName(workflow.status.code), "UNSET", "🚨 the session went on: one failed turn is not a failed session");
  });
});
