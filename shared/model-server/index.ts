// The fake LLM over real HTTP, speaking the OpenAI Chat Completions wire format.
export { startModelServer, stopChild, type ModelServerProcess, type StartOptions } from "./spawn.ts";
export { modelServerHandler, type ModelServerOptions } from "./server.ts";
export { MODELS, type ModelName } from "./wire.ts";
