/** The uninstrumented group chat: rounds, parallel answers, when it stops, and how it fails. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Agent, FakeLLM, RateLimitError, type ChatRequest, type ChatResponse } from "../agents/index.ts";
import { GroupChat } from "./index.ts";

const config = { groupId: "tech_discussion", name: "技术讨论组", maxRounds: 5 };
const agent = (name: string, model: string, options: ConstructorParameters<typeof FakeLLM>[0] = {}) =>
  new Agent(name, model, { llm: new FakeLLM({ latencyMs: 0, ...options }) });

/** Always says the same thing, so two of them agree from round 2 on. */
class SteadyAgent extends Agent {
  protected override async chat(request: ChatRequest): Promise<ChatResponse> {
    return { id: "steady", model: request.model, content: "我同意。", finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1 } };
  }
}

describe("GroupChat", () => {
  it("runs the seed's discussion to max_rounds, every agent answering every round", async () => {
    const chat = new GroupChat(config).addAgent(agent("expert", "gpt-4", { seed: 1 }), "专家").addAgent(agent("advisor", "gpt-4o-mini", { seed: 2 }), "顾问");
    const session = chat.startSession();
    const result = await chat.processMessage("讨论AI的未来发展");
    assert.equal(result.sessionId, session.id);
    assert.equal(result.stoppedBy, "max_rounds");
    assert.equal(result.rounds.length, 5);
    assert.deepEqual(result.responses.map((reply) => `${reply.round}:${reply.agent}:${reply.role}`), [1, 2, 3, 4, 5].flatMap((round) => [`${round}:expert:专家`, `${round}:advisor:顾问`]));
    assert.ok(result.responses.every((reply) => reply.usage.outputTokens > 0));
  });

  it("is deterministic: the same agents give the same discussion", async () => {
    const run = async () => {
      const chat = new GroupChat(config).addAgent(agent("expert", "gpt-4", { seed: 1 }), "专家").addAgent(agent("advisor", "gpt-4o-mini", { seed: 2 }), "顾问");
      return (await chat.processMessage("讨论AI的未来发展")).responses.map((reply) => reply.content);
    };
    assert.deepEqual(await run(), await run());
  });

  it("shows each agent what the others said in the previous round", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    const chat = new GroupChat({ ...config, maxRounds: 2 })
      .addAgent(new Agent("expert", "gpt-4", { llm }), "专家")
      .addAgent(new Agent("advisor", "gpt-4", { llm }), "顾问");
    const result = await chat.processMessage("讨论AI的未来发展");
    const round2ToExpert = llm.requests.slice(2).find((request) => request.messages.at(-1)!.content.includes("第2轮，请以专家"));
    assert.ok(round2ToExpert, "round 2 asks the expert to respond");
    const advisorRound1 = result.rounds[0]!.replies.find((reply) => reply.agent === "advisor")!;
    assert.ok(round2ToExpert.messages.at(-1)!.content.includes(advisorRound1.content));
  });

  it("asks the agents of a round in parallel", async () => {
    const llm = new FakeLLM({ latencyMs: 0 });
    const chat = new GroupChat({ ...config, maxRounds: 1 })
      .addAgent(new Agent("a", "m", { llm }), "r")
      .addAgent(new Agent("b", "m", { llm }), "r");
    const started: string[] = [];
    const original = chat.askAgent.bind(chat);
    chat.askAgent = (member, prompt, round) => {
      started.push(member.agent.name);
      // Both turns start before either has finished: the second starts while the first is pending.
      return original(member, prompt, round);
    };
    const pending = chat.processMessage("hi");
    await Promise.resolve();
    assert.deepEqual(started, ["a", "b"]);
    await pending;
  });

  it("stops early by consensus when a round brings nothing new", async () => {
    const chat = new GroupChat(config).addAgent(new SteadyAgent("a", "m"), "r").addAgent(new SteadyAgent("b", "m"), "r");
    const result = await chat.processMessage("讨论AI的未来发展");
    assert.equal(result.stoppedBy, "consensus");
    assert.equal(result.rounds.length, 2);
  });

  it("fails the whole discussion when one agent fails (Promise.all is fail-fast)", async () => {
    const chat = new GroupChat(config)
      .addAgent(agent("expert", "gpt-4"), "专家")
      .addAgent(agent("advisor", "gpt-4o-mini", { failWhen: (_request, call) => (call === 2 ? "rate_limit" : undefined) }), "顾问");
    await assert.rejects(chat.processMessage("讨论AI的未来发展"), RateLimitError);
  });

  it("starts a session when none was started, and a new one on request", async () => {
    const chat = new GroupChat({ ...config, maxRounds: 1 }).addAgent(agent("expert", "gpt-4"), "专家");
    const first = await chat.processMessage("hi");
    assert.equal(chat.session?.id, first.sessionId);
    const next = chat.startSession();
    assert.notEqual(next.id, first.sessionId);
    assert.equal((await chat.processMessage("hi")).sessionId, next.id);
  });

  it("rejects bad configuration and duplicate agents", async () => {
    assert.throws(() => new GroupChat({ ...config, maxRounds: 0 }), RangeError);
    const chat = new GroupChat(config).addAgent(agent("expert", "gpt-4"), "专家");
    assert.throws(() => chat.addAgent(agent("expert", "gpt-4"), "顾问"), /already/);
    await assert.rejects(new GroupChat(config).processMessage("hi"), /no agents/);
  });
});
