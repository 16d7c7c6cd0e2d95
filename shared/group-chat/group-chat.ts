/**
 * A multi-agent group chat, the seed guide's `GroupChat(GroupChatConfig(...))`,
 * with no telemetry at all: lesson 08 instruments it.
 *
 *   const chat = new GroupChat({ groupId: "tech_discussion", name: "技术讨论组", maxRounds: 5 });
 *   chat.addAgent(expert, "专家").addAgent(advisor, "顾问");
 *   chat.startSession();
 *   const { responses } = await chat.processMessage("讨论AI的未来发展");
 *
 * One message starts a discussion in rounds. In each round every agent
 * answers at the same time (Promise.all), having read what the others said in
 * the round before. The discussion ends after `maxRounds` rounds, or earlier
 * once a round brings nothing new (every agent repeats its last answer).
 *
 * The three steps are public methods on purpose: processMessage → runRound →
 * askAgent. They are the hook points an instrumentation overrides (lesson 08's
 * TracedGroupChat wraps each one in a span), the way TracedAgent overrides
 * Agent. No plugin system: a subclass and `super` are enough.
 */
import { randomUUID } from "node:crypto";
import type { Agent } from "../agents/index.ts";

export interface GroupChatConfig {
  /** A stable id, e.g. "tech_discussion". */
  groupId: string;
  /** What people call the group, e.g. "技术讨论组". */
  name: string;
  /** The most rounds one message may start. */
  maxRounds: number;
}

/** An agent and the part it plays in this group. */
export interface Member {
  agent: Agent;
  role: string;
}

export interface ChatSession {
  /** Unique per session: what a trace records as gen_ai.conversation.id. */
  id: string;
  groupId: string;
  startedAt: Date;
}

/** One agent's answer in one round. */
export interface GroupMessage {
  round: number;
  agent: string;
  role: string;
  content: string;
  usage: { inputTokens: number; outputTokens: number };
}

/** An agent that could not answer in a round (only a round that tolerates failures reports these). */
export interface AgentFailure {
  round: number;
  agent: string;
  role: string;
  error: unknown;
}

export interface RoundResult {
  round: number;
  replies: GroupMessage[];
  failures: AgentFailure[];
}

/** Why the discussion ended: the round limit, or a round where nobody said anything new. */
export type StopReason = "max_rounds" | "consensus";

export interface GroupChatResult {
  sessionId: string;
  /** Every reply, round by round (the seed's `responses`). */
  responses: GroupMessage[];
  rounds: RoundResult[];
  failures: AgentFailure[];
  stoppedBy: StopReason;
}

export class GroupChat {
  readonly config: Readonly<GroupChatConfig>;
  private readonly memberList: Member[] = [];
  private currentSession: ChatSession | undefined;

  constructor(config: GroupChatConfig) {
    if (!Number.isInteger(config.maxRounds) || config.maxRounds < 1) {
      throw new RangeError(`GroupChatConfig.maxRounds must be a positive integer, got ${config.maxRounds}`);
    }
    this.config = { ...config };
  }

  get members(): readonly Member[] {
    return this.memberList;
  }

  get session(): ChatSession | undefined {
    return this.currentSession;
  }

  /** Returns the chat, so calls can be chained. */
  addAgent(agent: Agent, role: string): this {
    if (this.memberList.some((member) => member.agent.name === agent.name)) {
      throw new Error(`an agent named "${agent.name}" is already in group "${this.config.groupId}"`);
    }
    this.memberList.push({ agent, role });
    return this;
  }

  /** A new conversation: later messages belong to it until the next startSession(). */
  startSession(): ChatSession {
    this.currentSession = { id: randomUUID(), groupId: this.config.groupId, startedAt: new Date() };
    return this.currentSession;
  }

  /** Runs the discussion one message starts. Without a session, starts one. */
  async processMessage(text: string): Promise<GroupChatResult> {
    if (this.memberList.length === 0) throw new Error(`group "${this.config.groupId}" has no agents: call addAgent() first`);
    const session = this.currentSession ?? this.startSession();
    const rounds: RoundResult[] = [];
    let stoppedBy: StopReason = "max_rounds";
    for (let round = 1; round <= this.config.maxRounds; round++) {
      const previous = rounds.at(-1);
      const result = await this.runRound(round, text, previous);
      rounds.push(result);
      if (previous && nothingNew(previous, result, this.memberList.length)) {
        stoppedBy = "consensus";
        break;
      }
    }
    return {
      sessionId: session.id,
      responses: rounds.flatMap((round) => round.replies),
      rounds,
      failures: rounds.flatMap((round) => round.failures),
      stoppedBy,
    };
  }

  /**
   * One round: every member answers in parallel. Promise.all is fail-fast: if
   * one agent throws, the round (and so the whole discussion) rejects at once.
   */
  async runRound(round: number, text: string, previous?: RoundResult): Promise<RoundResult> {
    const replies = await Promise.all(
      this.memberList.map((member) => this.askAgent(member, this.promptFor(member, text, round, previous), round)),
    );
    return { round, replies, failures: [] };
  }

  /** One agent's turn in one round. */
  async askAgent(member: Member, prompt: string, round: number): Promise<GroupMessage> {
    // The group is the one asking, so it passes its own id as the "user".
    const reply = await member.agent.processMessage(this.config.groupId, prompt);
    return { round, agent: reply.agent, role: member.role, content: reply.content, usage: reply.usage };
  }

  /** What a member reads: the topic, the round, its role, and what the others said last round. */
  promptFor(member: Member, text: string, round: number, previous?: RoundResult): string {
    const others = (previous?.replies ?? []).filter((reply) => reply.agent !== member.agent.name);
    const heard = others.map((reply) => `${reply.role}：${reply.content}`).join("\n");
    const ask = `${text}\n第${round}轮，请以${member.role}的身份发言。`;
    return heard ? `${ask}\n其他成员上一轮说：\n${heard}` : ask;
  }
}

/** True when every member answered both rounds and each repeated its previous answer. */
function nothingNew(previous: RoundResult, current: RoundResult, memberCount: number): boolean {
  if (current.replies.length !== memberCount || previous.replies.length !== memberCount) return false;
  return current.replies.every(
    (reply) => previous.replies.find((earlier) => earlier.agent === reply.agent)?.content === reply.content,
  );
}
