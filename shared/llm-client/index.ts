// The official OpenAI client against the model server, and the pieces lesson 14 builds on.
export { openAIClient, modelFailure } from "./client.ts";
export { redactLogBody } from "./redact-log-body.ts";
export { logRecordProcessorsFromEnv } from "./log-processors.ts";
