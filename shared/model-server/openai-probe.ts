/**
 * A probe, run in a process of its own by openai-client.test.ts: the official
 * `openai` client pointed at the model server, traced by
 * @opentelemetry/instrumentation-openai under NodeSDK. It makes one plain
 * call, one streamed call with usage, one stream it abandons after two
 * chunks, and one call that fails, and writes every span to
 * WORKBOOK_TRACE_FILE. The test then reads what the instrumentation really
 * emitted (the groundwork for lesson 14).
 */
import { register } from "node:module";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { spanDumpProcessors } from "../trace-view/dump.ts";

// The hook before the client is imported: `openai` is loaded as an ES module below.
register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
const sdk = new NodeSDK({
  serviceName: "openai-probe",
  // instrumentation-openai does not propagate the context itself: the client's
  // fetch (undici) carries the traceparent to the model server.
  instrumentations: [new OpenAIInstrumentation(), new UndiciInstrumentation()],
  spanProcessors: spanDumpProcessors(),
  metricReaders: [],
  logRecordProcessors: [],
});
sdk.start();

const { default: OpenAI } = await import("openai");
const client = new OpenAI({ baseURL: `${process.env.WORKBOOK_MODEL_URL}/v1`, apiKey: "unused", maxRetries: 0 });
const messages = [{ role: "user" as const, content: "Plan a trip" }];
const results: Record<string, unknown> = {};

const plain = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
results.plainUsage = plain.usage;

const stream = await client.chat.completions.create({ model: "gpt-4o", messages, stream: true, stream_options: { include_usage: true } });
for await (const chunk of stream) if (chunk.usage) results.streamUsage = chunk.usage;

const abandoned = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "a long answer please" }], stream: true });
let seen = 0;
for await (const _chunk of abandoned) if (++seen === 2) break; // the consumer walks away

await client.chat.completions.create({ model: "gpt-9", messages }).catch((error: { status?: number }) => (results.errorStatus = error.status));

await sdk.shutdown();
process.stdout.write(`${JSON.stringify(results)}\n`);
