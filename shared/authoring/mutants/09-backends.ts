import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: '"otlp" returns the JSON exporter, not http/protobuf (the spec default)',
    edits: [["      return new OTLPProtoTraceExporter({ url: endpoint });", "      return new OTLPJsonTraceExporter({ url: endpoint });"]],
    mentions: /http\/protobuf/,
  },
  {
    task: 1,
    kind: "wrong",
    why: '"otlp-json" sends protobuf',
    edits: [["      return new OTLPJsonTraceExporter({ url: endpoint });", "      return new OTLPProtoTraceExporter({ url: endpoint });"]],
    mentions: /http\/json/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "Jaeger exporter built without its endpoint (UDP to an agent: nothing arrives, nothing fails)",
    edits: [["      return new JaegerExporter({ endpoint });", "      return new JaegerExporter({});"]],
    mentions: /jaeger stand-in received 0 spans/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "Zipkin exporter built without the endpoint (sends to localhost:9411)",
    edits: [["      return new ZipkinExporter({ url: endpoint });", "      return new ZipkinExporter({});"]],
    mentions: /zipkin stand-in received 0 spans/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "keeps the SDK's 5 s scheduled delay",
    edits: [["    scheduledDelayMillis: 1000,", "    scheduledDelayMillis: 5000,"]],
    mentions: /still queued/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "keeps the SDK's 30 s export timeout",
    edits: [["    exportTimeoutMillis: 5000,", "    exportTimeoutMillis: 30_000,"]],
    mentions: /export timeout/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "an unbounded queue (maxQueueSize: Infinity) so that no span is ever dropped",
    edits: [["    maxQueueSize: 2048,", "    maxQueueSize: Number.POSITIVE_INFINITY,"]],
    mentions: /memory bound/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "swallows the failure: counts it, then tells the caller SUCCESS",
    edits: [["      resultCallback(result);", "      resultCallback({ code: ExportResultCode.SUCCESS });"]],
    mentions: /swallowed failure/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "counts one per failed export instead of its spans",
    edits: [["        this.lost += spans.length;", "        this.lost += 1;"]],
    mentions: /an export of 2 spans failed and lost is 1/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "never calls the caller's resultCallback",
    edits: [["      resultCallback(result);", "      void result;"]],
    mentions: /resultCallback was called 0 times/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "registers the logger at DEBUG whatever level was asked for",
    edits: [["diag.setLogger(logger, { logLevel: levels[level], suppressOverrideMessage: true });", "diag.setLogger(logger, { logLevel: DiagLogLevel.DEBUG, suppressOverrideMessage: true }); void levels;"]],
    mentions: /debug chatter|let through/,
  },
  {
    kind: "correct",
    why: "exports every 500 ms with a 3 s timeout (tighter than asked)",
    edits: [
      ["    scheduledDelayMillis: 1000,", "    scheduledDelayMillis: 500,"],
      ["    exportTimeoutMillis: 5000,", "    exportTimeoutMillis: 3000,"],
    ],
  },
  {
    kind: "correct",
    why: "diag.setLogger with the older (logger, level) signature",
    edits: [["diag.setLogger(logger, { logLevel: levels[level], suppressOverrideMessage: true });", "diag.setLogger(logger, levels[level]);"]],
  },
] satisfies Mutant[];
