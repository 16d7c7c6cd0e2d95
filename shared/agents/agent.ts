/**
 * Agents: a name, a model, instructions, and a way to answer a user.
 *
 * `Agent` is plain application code with no telemetry at all — the thing the
 * lessons have you instrument. `TracedAgent` is the same agent instrumented
 * the way the seed guide's `TracedAgent("my_agent", "gpt-4")` is: one span per
 * message, with the model call as its child.
 */
import { SpanKind, type Attributes, type Meter, type Tracer } from "@opentelemetry/api";
// Unstable names, copied in gen-ai-names.ts (not imported from semantic-conventions/incubating).
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_USER_ID,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
} from "./gen-ai-names.ts";
import { FakeLLM, type ChatRequest, type ChatResponse } from "./fake-llm.ts";
import { recordSpanError } from "./record-error.ts";
import { defaultTracer } from "./scope.ts";
import { FAKE_PROVIDER_NAME, tracedChat } from "./traced-llm.ts";

export interface AgentReply {
  agent: string;
  content: string;
  usage: { inputTokens: number; outputTokens: number };
}

export interface AgentOptions {
  /** The model client. Share one between agents to share its call log and failure rules. */
  llm?: FakeLLM;
  /** The system message sent with every request. */
  instructions?: string;
}

export class Agent {
  readonly name: string;
  readonly model: string;
  readonly instructions: string;
  protected readonly llm: FakeLLM;

  constructor(name: string, model: string, options: AgentOptions = {}) {
    this.name = name;
    this.model = model;
    this.instructions = options.instructions ?? `You are ${name}, a helpful assistant. Answer briefly.`;
    this.llm = options.llm ?? new FakeLLM();
  }

  /**
   * Answer one user message. `userId` says who is asking; it is not sent to the
   * model (the plain agent ignores it, the traced one records it on its span).
   */
  async processMessage(userId: string, text: string): Promise<AgentReply> {
    const response = await this.chat({
      model: this.model,
      messages: [
        { role: "system", content: this.instructions },
        { role: "user", content: text },
      ],
    });
    return { agent: this.name, content: response.content, usage: { ...response.usage } };
  }

  /** The one place the model is called, so a subclass can wrap it. */
  protected chat(request: ChatRequest): Promise<ChatResponse> {
    return this.llm.chat(request);
  }
}

export interface TracedAgentOptions extends AgentOptions {
  /** Groups the spans of one conversation (gen_ai.conversation.id). */
  conversationId?: string;
  /** Default: the global provider's tracer for "workbook.agents". */
  tracer?: Tracer;
  /** Default: the global provider's meter for "workbook.agents". */
  meter?: Meter;
}

export class TracedAgent extends Agent {
  readonly conversationId: string | undefined;
  private readonly tracer: Tracer | undefined;
  private readonly meter: Meter | undefined;

  constructor(name: string, model: string, options: TracedAgentOptions = {}) {
    super(name, model, options);
    this.conversationId = options.conversationId;
    this.tracer = options.tracer;
    this.meter = options.meter;
  }

  override async processMessage(userId: string, text: string): Promise<AgentReply> {
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
      [ATTR_GEN_AI_AGENT_NAME]: this.name,
      [ATTR_GEN_AI_REQUEST_MODEL]: this.model,
      [ATTR_GEN_AI_PROVIDER_NAME]: FAKE_PROVIDER_NAME,
      // Fine on a span: one trace is about one request by one user, and finding
      // "what happened to user_123" is exactly what traces are for. Never as a
      // metric attribute: every distinct user would create a new time series.
      [ATTR_USER_ID]: userId,
    };
    if (this.conversationId !== undefined) attributes[ATTR_GEN_AI_CONVERSATION_ID] = this.conversationId;

    // INTERNAL, not CLIENT: the agent runs in this process; the remote call is
    // the chat span below it. startActiveSpan makes this span the parent of
    // everything started inside the callback — including that chat span.
    return (this.tracer ?? defaultTracer()).startActiveSpan(
      `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} ${this.name}`,
      { kind: SpanKind.INTERNAL, attributes },
      async (span) => {
        // The length, not the text: message content is user data (see traced-llm.ts).
        span.addEvent("message_received", { "app.message.length": text.length });
        try {
          const reply = await super.processMessage(userId, text);
          span.setAttributes({
            [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: reply.usage.inputTokens,
            [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: reply.usage.outputTokens,
          });
          span.addEvent("response_ready", { "app.response.length": reply.content.length });
          return reply;
        } catch (err) {
          recordSpanError(span, err);
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  protected override chat(request: ChatRequest): Promise<ChatResponse> {
    return tracedChat(this.llm, request, { tracer: this.tracer, meter: this.meter });
  }
}
