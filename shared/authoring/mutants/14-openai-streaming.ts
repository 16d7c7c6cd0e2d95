import type { Mutant } from "../mutants.ts";

const ABANDON = `          if (answer.length >= budget) {
            truncated = true;
            span.setAttribute(ATTR_ANSWER_TRUNCATED, true);
            stream.controller.abort();
            break;
          }`;

export default [
  {
    task: 1,
    kind: "wrong",
    why: "openai imported statically at the top: loaded before the instrumentation is registered, never patched",
    edits: [
      ['import { register } from "node:module";', 'import OpenAI from "openai";\nimport { register } from "node:module";'],
      ["const client = await openAIClient(modelUrl);", 'const client = new OpenAI({ baseURL: `${modelUrl}/v1`, apiKey: "unused", maxRetries: 0 });'],
    ],
    mentions: /registered before the client is loaded/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "OpenAIInstrumentation replaces undici instead of joining it: nothing injects traceparent into the client's fetch",
    edits: [["[new HttpInstrumentation(), new UndiciInstrumentation()]", "[new HttpInstrumentation()]"]],
    mentions: /trace is broken between the processes|instrumentation-undici/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "log record processors given to NodeSDK, but the instrumentation never gets the LoggerProvider",
    edits: [["  openAI?.setLoggerProvider(logs.getLoggerProvider());\n", "  void logs;\n"]],
    mentions: /setLoggerProvider/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "the exporting processors only: content leaves the process unredacted",
    edits: [["logRecordProcessors: [new RedactingLogProcessor(), ...logRecordProcessorsFromEnv(env)],", "logRecordProcessors: logRecordProcessorsFromEnv(env),"]],
    mentions: /LogRecordProcessor that runs before the exporting one/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "content capture switched on in code: the default must be off",
    edits: [["  openAI = new OpenAIInstrumentation();", "  openAI = new OpenAIInstrumentation({ captureMessageContent: true });"]],
    mentions: /CAPTURE_MESSAGE_CONTENT unset, a record carries message content/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "time to first chunk in milliseconds",
    edits: [["(performance.now() - started) / 1000);", "performance.now() - started);"]],
    mentions: /seconds, not milliseconds/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "no stream_options: the stream carries no usage chunk",
    edits: [["          stream_options: { include_usage: true },\n", ""]],
    mentions: /stream_options/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "the span ended as soon as create() resolved (the response headers), before the stream was read",
    edits: [["        let chunks = 0;\n", "        span.end();\n        let chunks = 0;\n"]],
    mentions: /time_to_first_chunk|before the model server finished streaming/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "marks the answer truncated but reads the stream to its end",
    edits: [[ABANDON, "          if (answer.length >= budget && !truncated) {\n            truncated = true;\n            span.setAttribute(ATTR_ANSWER_TRUNCATED, true);\n          }"]],
    mentions: /Stop reading the stream/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "records the abandoned stream as an error",
    edits: [[ABANDON, ABANDON.replace("            break;", '            recordSpanError(span, new ModelCallError("answer budget reached", "truncated"));\n            break;')]],
    mentions: /chose to stop/,
  },
  {
    kind: "correct",
    why: "break without stream.controller.abort(): openai's iterator aborts the request on return()",
    edits: [["            stream.controller.abort();\n", ""]],
  },
] satisfies Mutant[];
