/**
 * The issue's "done when", run as a learner would: a solution in its own
 * process, pointed at a backend with the standard variables.
 *   - solutions/03-propagation.ts delivers one trace across its two services
 *     to Zipkin, Jaeger and an OTLP endpoint;
 *   - against a backend that accepts connections and never answers, every
 *     solution still exits, and says what it could not deliver.
 * The child's exit is awaited asynchronously: the receivers live in this
 * process and must keep answering while the child runs.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../testing/index.ts";
import { startJaegerCollector, startOtlpReceiver, startZipkinReceiver, traces, type HttpReceiver, type WireSpan } from "./index.ts";

/** Far above the 20 s the issue allows: this catches a hang, not slowness. */
const KILL_AFTER_MS = 90_000;

interface Run {
  status: number | null;
  killed: boolean;
  output: string;
}

function runSolution(file: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: ROOT,
      env: { ...process.env, ...env, NO_COLOR: "1", WORKBOOK_TARGET: undefined, WORKBOOK_LLM_LATENCY_MS: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, KILL_AFTER_MS);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, killed, output });
    });
  });
}

const receivers: HttpReceiver[] = [];
after(async () => {
  for (const receiver of receivers) await receiver.close();
});

const propagation = "solutions/03-propagation.ts";

function assertOneTraceAcrossTwoServices(spans: WireSpan[], output: string): void {
  assert.ok(spans.length > 0, `🚨 no spans arrived. Output:\n${output.slice(-1500)}`);
  const crossing = [...traces(spans).values()].filter((trace) => new Set(trace.map((span) => span.serviceName)).size >= 2);
  assert.ok(crossing.length > 0, `🚨 no trace spans two services: ${spans.map((s) => `${s.serviceName}/${s.name}/${s.traceId.slice(0, 8)}`).join(", ")}`);
  for (const trace of crossing) {
    const ids = new Set(trace.map((span) => span.spanId));
    const roots = trace.filter((span) => !span.parentId || !ids.has(span.parentId));
    assert.equal(roots.length, 1, "🚨 every span but the root has its parent in the same trace");
    assert.ok(trace.some((span) => span.kind === "CLIENT") && trace.some((span) => span.kind === "SERVER"), "🚨 a CLIENT span calls a SERVER span");
  }
}

describe("solutions/03-propagation.ts against each backend", { skip: !existsSync(join(ROOT, propagation)) && "solutions/03-propagation.ts not written yet" }, () => {
  it("zipkin: spans pass the v2 checks and form one trace across both services", async () => {
    const zipkin = await startZipkinReceiver();
    receivers.push(zipkin);
    const run = await runSolution(propagation, { OTEL_TRACES_EXPORTER: "zipkin", OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.endpoint });
    assert.equal(run.status, 0, run.output.slice(-2000));
    assert.deepEqual(zipkin.rejections, [], "🚨 Zipkin would answer 400");
    assertOneTraceAcrossTwoServices(zipkin.spans(), run.output);
  });

  it("jaeger: Thrift batches over HTTP form one trace across both services", async () => {
    const jaeger = await startJaegerCollector();
    receivers.push(jaeger);
    const run = await runSolution(propagation, { OTEL_TRACES_EXPORTER: "jaeger", OTEL_EXPORTER_JAEGER_ENDPOINT: jaeger.endpoint });
    assert.equal(run.status, 0, run.output.slice(-2000));
    assert.deepEqual(jaeger.rejections, []);
    assertOneTraceAcrossTwoServices(jaeger.spans(), run.output);
  });

  it("otlp: OTLP/HTTP requests form one trace across both services", async () => {
    const otlp = await startOtlpReceiver();
    receivers.push(otlp);
    const run = await runSolution(propagation, { OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.endpoint });
    assert.equal(run.status, 0, run.output.slice(-2000));
    assertOneTraceAcrossTwoServices(otlp.spans(), run.output);
  });
});

describe("lesson 16's solution sends all three signals where the variables say", () => {
  for (const protocol of ["http/protobuf", "http/json"] as const) {
    it(`${protocol}: traces, gen_ai.* and otel.sdk.* metrics, and log records with the spans' ids`, async () => {
      const otlp = await startOtlpReceiver();
      receivers.push(otlp);
      const run = await runSolution("solutions/16-collector.ts", {
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_METRICS_EXPORTER: "otlp",
        OTEL_LOGS_EXPORTER: "otlp",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.origin,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      });
      assert.equal(run.status, 0, `🚨 exited ${run.status}:\n${run.output.slice(-1500)}`);
      assert.doesNotMatch(run.output, /not delivered/, run.output.slice(-1500));
      const encoding = protocol === "http/json" ? "json" : "protobuf";
      assert.deepEqual(new Set(otlp.deliveries.map((d) => d.signal)), new Set(["traces", "metrics", "logs"]));
      assert.ok(otlp.deliveries.every((d) => d.encoding === encoding), otlp.deliveries.map((d) => `${d.signal}:${d.encoding}`).join(" "));
      const spans = otlp.spans();
      assert.ok(spans.some((span) => span.name.startsWith("chat ")), "🚨 no chat span arrived");
      const names = new Set(otlp.dataPoints().filter((p) => p.serviceName === "support-agent").map((p) => p.metric));
      assert.ok(names.has("gen_ai.client.token.usage") && names.has("gen_ai.client.operation.duration"), [...names].join(", "));
      for (const name of ["otel.sdk.span.started", "otel.sdk.processor.span.processed", "otel.sdk.exporter.span.exported", "otel.sdk.log.created"]) {
        assert.ok(names.has(name), `🚨 ${name} did not arrive; got ${[...names].join(", ")}`);
      }
      const records = otlp.logRecords().filter((record) => record.serviceName === "support-agent");
      const spanIds = new Set(spans.map((span) => span.spanId));
      assert.ok(records.length >= 4, `${records.length} log records`);
      for (const record of records) assert.ok(spanIds.has(record.spanId), `🚨 log record "${record.body}" points at span ${record.spanId || "(none)"}, which is not among the exported spans`);
      const instance = otlp.dataPoints().find((p) => p.serviceName === "support-agent")?.resource["service.instance.id"];
      assert.match(instance ?? "", /^[0-9a-f-]{36}$/, "🚨 the metrics' resource carries a service.instance.id");
    });
  }
});

describe("every solution exits when its backend accepts connections and never answers", () => {
  const solutions = readdirSync(join(ROOT, "solutions")).filter((file) => /^\d\d-.*\.ts$/.test(file));

  it("found the solutions", () => assert.ok(solutions.length > 0));

  it("each exits 0 and names what it could not deliver", async () => {
    const hung = await startZipkinReceiver({ hang: true });
    receivers.push(hung);
    // All at once: each spends most of its time waiting on the shutdown bound.
    const runs = await Promise.all(
      solutions.map(async (file) => {
        const before = hung.requestCount();
        const run = await runSolution(`solutions/${file}`, { OTEL_TRACES_EXPORTER: "zipkin", OTEL_EXPORTER_ZIPKIN_ENDPOINT: hung.endpoint });
        return { file, run, before };
      }),
    );
    for (const { file, run } of runs) {
      assert.equal(run.killed, false, `🚨 ${file} was still running after ${KILL_AFTER_MS} ms: something keeps the process alive.\n${run.output.slice(-1500)}`);
      assert.equal(run.status, 0, `🚨 ${file} exited ${run.status}:\n${run.output.slice(-1500)}`);
      // Lessons that build their own provider (01) send nothing to the backend, so have nothing to report.
      if (/zipkin/.test(run.output) || run.output.includes(hung.endpoint)) {
        assert.match(run.output, /⚠ zipkin: \d+ of \d+ spans not delivered to .*did not answer/, `🚨 ${file} did not say what it lost:\n${run.output.slice(-1500)}`);
      }
    }
    assert.ok(hung.requestCount() > 0, "🚨 no solution sent anything to the backend");
  });
});
