/**
 * Lesson 08 · Capstone: trace a multi-agent group chat end to end.
 *
 * The seed guide's 群聊系统追踪: `GroupChat(GroupChatConfig(group_id="tech_discussion",
 * name="技术讨论组", max_rounds=5))`, two agents, `start_session()`,
 * `process_message("讨论AI的未来发展")` — "traced automatically, with the complete
 * span hierarchy". Here you write that "automatically": a subclass of the plain
 * GroupChat (shared/group-chat) that wraps each of its steps, and an Agent
 * whose model calls are traced. Every technique from lessons 01–07 meets here.
 *
 *   invoke_workflow 技术讨论组                 one per message, gen_ai.conversation.id = session id
 *   └─ group_chat.round  (×5)                 app.group_chat.round.number = 1…5
 *      ├─ invoke_agent expert                 the agents of a round run in parallel
 *      │  └─ chat gpt-4                       CLIENT, gen_ai.usage.* tokens
 *      └─ invoke_agent advisor                ERROR in round 2 (rate limit); the chat goes on
 *         └─ chat gpt-4o-mini
 *
 * Run it:    npx tsx lessons/08-group-chat.ts
 * Check it:  npm run verify -- 08
 * Read:      lessons/08-group-chat.md
 */
import { metrics, SpanKind, trace, type Attributes, type Counter, type Meter, type Tracer } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader, type MetricData } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_WORKFLOW_NAME,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
} from "@opentelemetry/semantic-conventions/incubating";
// ↑ gen_ai.* names live only in the incubating entry point of
// semantic-conventions 1.45, marked deprecated there ("moved to the GenAI
// conventions repository", open-telemetry/semantic-conventions-genai); the
// names themselves are current. error.type is stable: the stable entry point.
import {
  Agent,
  errorTypeOf,
  FAKE_PROVIDER_NAME,
  FakeLLM,
  recordSpanError,
  tracedChat,
  type ChatRequest,
  type ChatResponse,
} from "../shared/agents/index.ts";
import {
  GroupChat,
  type AgentFailure,
  type GroupChatConfig,
  type GroupChatResult,
  type GroupMessage,
  type Member,
  type RoundResult,
} from "../shared/group-chat/index.ts";
import { setupTelemetry } from "../shared/telemetry/index.ts";
import { runMain } from "../shared/workbook/run-main.ts";

/** The instrumentation scope: which library produced these spans and metrics (lesson 01). */
export const SCOPE = { name: "workbook.group-chat", version: "1.0.0" } as const;

// Looked up on each use, not at import. A tracer kept in a module variable
// stays bound to the first provider it reaches: the API's ProxyTracer keeps the
// first delegate it sees, and a real tracer belongs to its provider. The tests
// register a fresh global provider per test, so a module-level tracer would
// keep writing to the first test's provider.
const tracer = (): Tracer => trace.getTracer(SCOPE.name, SCOPE.version);

/**
 * Attribute keys of our own: no convention covers group chats. The app.
 * prefix (as the OpenTelemetry demo uses) keeps them clear of every present
 * and future semantic convention.
 */
export const ATTR = {
  groupId: "app.group_chat.id",
  maxRounds: "app.group_chat.max_rounds",
  rounds: "app.group_chat.rounds",
  roundNumber: "app.group_chat.round.number",
  replies: "app.group_chat.replies",
  failedAgents: "app.group_chat.failed_agents",
  role: "app.group_chat.agent.role",
  messageLength: "app.message.length",
} as const;

/** Task 4: an Agent whose every model call is a `chat {model}` span (lesson 02: wrap, don't rewrite). */
export class TracedLlmAgent extends Agent {
  protected override chat(request: ChatRequest): Promise<ChatResponse> {
    // TODO(4): Send the model call through tracedChat() from shared/agents: it
    //          records the `chat {model}` CLIENT span with the GenAI attributes.
    return super.chat(request);
  }
}

/** Per-agent metrics (lesson 07): created once per chat, recorded on every agent turn. */
interface AgentInstruments {
  requests: Counter;
  tokens: Counter;
  errors: Counter;
}

function createAgentInstruments(meter: Meter): AgentInstruments {
  return {
    requests: meter.createCounter("group_chat.agent.requests", { description: "Agent turns in group chats", unit: "{request}" }),
    tokens: meter.createCounter("group_chat.agent.tokens", { description: "Tokens used by agent turns in group chats", unit: "{token}" }),
    errors: meter.createCounter("group_chat.agent.errors", { description: "Agent turns that failed", unit: "{error}" }),
  };
}

/** The seed's "traced automatically" group chat: the plain GroupChat with a span around each step. */
export class TracedGroupChat extends GroupChat {
  private readonly instruments: AgentInstruments;

  constructor(config: GroupChatConfig) {
    super(config);
    // The global meter (lesson 07). Fetched here, after setup registered the
    // MeterProvider: the metrics API has no proxy, an earlier meter stays a no-op.
    this.instruments = createAgentInstruments(metrics.getMeter(SCOPE.name, SCOPE.version));
  }

  /** Task 1: one span for the whole discussion a message starts. */
  override async processMessage(text: string): Promise<GroupChatResult> {
    const session = this.session ?? this.startSession();
    // TODO(1): Wrap the discussion in an active INTERNAL span
    //          "invoke_workflow {config.name}" with gen_ai.operation.name,
    //          gen_ai.workflow.name and gen_ai.conversation.id (the session id).
    //          Add the events "message_received" (ATTR.messageLength) and, when
    //          the round limit stopped the chat, "max_rounds_reached"
    //          (ATTR.maxRounds). When the discussion is over, set ATTR.rounds,
    //          ATTR.replies and ATTR.failedAgents. Record a failure, and end it.
    return super.processMessage(text);
  }

  /** Task 2: one span per round. */
  override async runRound(round: number, text: string, previous?: RoundResult): Promise<RoundResult> {
    // TODO(2): Wrap each round in an active span "group_chat.round" with the
    //          attribute ATTR.roundNumber (a number in the name would make every
    //          round a different operation). When the round is over, set
    //          ATTR.replies and ATTR.failedAgents and add the event
    //          "round_completed" with the same counts. Record a failure, and end it.
    return this.gatherReplies(round, text, previous);
  }

  /** Task 5: ask every member in parallel, and let one failure stay one failure. */
  async gatherReplies(round: number, text: string, previous?: RoundResult): Promise<RoundResult> {
    // TODO(5): Ask the members with Promise.allSettled instead of the plain
    //          chat's Promise.all, so one agent's error no longer ends the round.
    //          Keep the failures in the result; fail the round only if nobody answered.
    return super.runRound(round, text, previous);
  }

  /** One agent's turn: its span (task 3), then its metrics (task 6). */
  override async askAgent(member: Member, prompt: string, round: number): Promise<GroupMessage> {
    try {
      const reply = await this.invokeAgent(member, prompt, round);
      this.recordAgentTurn(member, reply);
      return reply;
    } catch (err) {
      this.recordAgentTurn(member, undefined, err);
      throw err;
    }
  }

  /** Task 3: an `invoke_agent {name}` span per agent turn. */
  private invokeAgent(member: Member, prompt: string, round: number): Promise<GroupMessage> {
    const { agent } = member;
    // TODO(3): Run the turn in an active INTERNAL span "invoke_agent {agent.name}"
    //          started with the GenAI attributes (operation, agent name, model,
    //          provider, conversation id) and ATTR.role / ATTR.roundNumber; put
    //          the token usage on it; on a failure record the error (ERROR
    //          status) and rethrow; always end it.
    return super.askAgent(member, prompt, round);
  }

  /** Task 6: per-agent requests, tokens and errors. */
  private recordAgentTurn(member: Member, reply: GroupMessage | undefined, error?: unknown): void {
    // TODO(6): Count every turn in group_chat.agent.requests, the reply's input
    //          and output tokens in group_chat.agent.tokens (gen_ai.token.type),
    //          and failures in group_chat.agent.errors (error.type), all by
    //          gen_ai.agent.name.
    // Nothing is counted yet: the per-agent metrics stay empty.
    void member;
    void reply;
    void error;
  }
}

/** The seed's example: two agents, a session, one message. The advisor hits a rate limit in round 2. */
export function createSeedGroupChat(): TracedGroupChat {
  const expert = new TracedLlmAgent("expert", "gpt-4", { llm: new FakeLLM({ seed: 1 }) });
  // Its own model client with its own failure rule: only the advisor's 2nd call fails.
  const advisorLlm = new FakeLLM({ seed: 2, failWhen: (_request, call) => (call === 2 ? "rate_limit" : undefined) });
  const advisor = new TracedLlmAgent("advisor", "gpt-4o-mini", { llm: advisorLlm });
  return new TracedGroupChat({ groupId: "tech_discussion", name: "技术讨论组", maxRounds: 5 })
    .addAgent(expert, "专家")
    .addAgent(advisor, "顾问");
}

async function main(): Promise<void> {
  // Kept in memory as well, to point at the next TODO when something is missing.
  const seen = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const telemetry = setupTelemetry({
    serviceName: "group-chat-service",
    serviceVersion: "1.0.0",
    spanExporters: [seen],
    metricReaders: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })],
  });

  const chat = createSeedGroupChat();
  const session = chat.startSession();
  console.log(`session ${session.id} in ${chat.config.name}`);
  let stopped: string | undefined;
  try {
    const { responses, failures, stoppedBy } = await chat.processMessage("讨论AI的未来发展");
    for (const reply of responses) console.log(`  round ${reply.round} ${reply.role} (${reply.agent}): ${reply.content}`);
    for (const failure of failures) console.log(`  round ${failure.round} ${failure.role} (${failure.agent}): ✗ ${errorTypeOf(failure.error)}`);
    console.log(`stopped by: ${stoppedBy}\n`);
  } catch (err) {
    stopped = err instanceof Error ? err.message : String(err);
    console.log(`✗ the discussion stopped: ${stopped}\n`);
  }

  await telemetry.forceFlush();
  const spans = seen.getFinishedSpans();
  const perAgent = summarizeAgentMetrics(metricExporter.getMetrics().at(-1)?.scopeMetrics.flatMap((scope) => scope.metrics) ?? []);
  await telemetry.shutdown();

  if (perAgent) console.log(`per-agent metrics: ${perAgent}`);
  const has = (prefix: string) => spans.some((span) => span.name.startsWith(prefix));
  // TODO(3) and TODO(4) show only inside a round, and TODO(5) only once the round survives a failure.
  const todo = [
    !has("invoke_workflow") && "TODO(1): no session span: the rounds are not tied into one trace per session.",
    !has("group_chat.round") && "TODO(2): no round spans: you cannot tell round 1 from round 5.",
    !has("invoke_agent") && "TODO(3): no invoke_agent spans: which agent did what (and which one failed) is invisible.",
    !has("chat ") && "TODO(4): no chat spans: the model calls and their token usage are invisible.",
    stopped && "TODO(5): one agent's rate limit ended the whole discussion (Promise.all is fail-fast).",
    !perAgent && "TODO(6): no per-agent metrics were recorded.",
  ].filter(Boolean);
  if (todo.length) {
    console.log(`⚠ Still to do in lessons/08-group-chat.ts (npm run verify -- 08):\n  ${todo.join("\n  ")}`);
    console.log(`\n⚠ next: ${String(todo[0]).split(":")[0]} in lessons/08-group-chat.ts.`);
  } else {
    console.log("✓ no symptom left in this run. `npm run verify -- 08` checks the details.");
  }
}

/** "expert: 5 requests, 240 tokens, 0 errors; …" from the group_chat.agent.* counters. */
function summarizeAgentMetrics(all: MetricData[]): string {
  const total = (name: string, agent: string) =>
    (all.find((metric) => metric.descriptor.name === name)?.dataPoints ?? [])
      .filter((point) => point.attributes[ATTR_GEN_AI_AGENT_NAME] === agent)
      .reduce((sum, point) => sum + (point.value as number), 0);
  const agents = new Set(
    all.filter((metric) => metric.descriptor.name === "group_chat.agent.requests").flatMap((metric) => metric.dataPoints.map((point) => String(point.attributes[ATTR_GEN_AI_AGENT_NAME]))),
  );
  return [...agents]
    .map((agent) => `${agent}: ${total("group_chat.agent.requests", agent)} requests, ${total("group_chat.agent.tokens", agent)} tokens, ${total("group_chat.agent.errors", agent)} errors`)
    .join("; ");
}

runMain(import.meta.url, main);
