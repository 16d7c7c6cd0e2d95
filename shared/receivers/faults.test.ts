/**
 * Faults a backend can have, and what the kit does about each: the traced
 * work carries on, shutdown is bounded, and the learner gets one line per
 * backend saying how many spans were lost and why.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { readEnvConfig, setupTelemetry } from "../telemetry/index.ts";
import { DeliveryReports } from "../telemetry/delivery.ts";
import { buildSpanProcessors } from "../telemetry/exporters.ts";
import { startJaegerCollector, startOtlpReceiver, startZipkinReceiver, type Fault, type HttpReceiver } from "./index.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

type Backend = "zipkin" | "jaeger" | "otlp";

async function receiverFor(backend: Backend, fault?: Fault): Promise<HttpReceiver & { endpoint: string }> {
  const receiver =
    backend === "zipkin" ? await startZipkinReceiver(fault) : backend === "jaeger" ? await startJaegerCollector(fault) : await startOtlpReceiver(fault);
  closers.push(() => receiver.close());
  return receiver;
}

function envFor(backend: Backend, endpoint: string): Record<string, string> {
  const variable = { zipkin: "OTEL_EXPORTER_ZIPKIN_ENDPOINT", jaeger: "OTEL_EXPORTER_JAEGER_ENDPOINT", otlp: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" }[backend];
  return { OTEL_TRACES_EXPORTER: backend, [variable]: endpoint };
}

/** Runs three spans of "work" against `endpoint`; returns what the learner would read. */
async function runAgainst(backend: Backend, endpoint: string, shutdownTimeoutMs = 5000): Promise<{ lines: string[]; result: string }> {
  const lines: string[] = [];
  const telemetry = setupTelemetry({ serviceName: "agent", shutdownTimeoutMs, warn: (line) => lines.push(line), env: envFor(backend, endpoint) });
  const result = await telemetry.tracer().startActiveSpan("invoke_agent", async (span) => {
    telemetry.tracer().startSpan("chat").end();
    telemetry.tracer().startSpan("tool").end();
    span.end();
    return "the work is done";
  });
  await telemetry.shutdown();
  return { lines, result };
}

function assertOneLine(lines: string[], backend: Backend, pattern: RegExp): void {
  const mine = lines.filter((line) => line.includes(`${backend}:`));
  assert.equal(mine.length, 1, `expected one line about ${backend}, got:\n${lines.join("\n")}`);
  assert.match(mine[0]!, pattern);
  assert.doesNotMatch(mine[0]!, /\n|    at /, "one line, no stack");
}

for (const backend of ["zipkin", "jaeger", "otlp"] as const) {
  describe(`${backend}: faults are reported, never silent`, () => {
    it("backend down: connection refused", async () => {
      const receiver = await receiverFor(backend);
      const endpoint = receiver.endpoint;
      await receiver.close(); // nothing listens on that port any more
      const { lines, result } = await runAgainst(backend, endpoint);
      assert.equal(result, "the work is done");
      assertOneLine(lines, backend, new RegExp(`⚠ ${backend}: 3 of 3 spans not delivered to ${endpoint}: connection refused \\(.*docker compose up`));
    });

    it("backend answers 503", async () => {
      const receiver = await receiverFor(backend, { status: 503 });
      const { lines } = await runAgainst(backend, receiver.endpoint, 8000);
      // OTLP retries 503 with backoff until its timeout, then gives up.
      assertOneLine(lines, backend, backend === "otlp" ? /3 of 3 spans not delivered.*(HTTP 503|retry|timed out|did not answer)/ : /3 of 3 spans not delivered.*HTTP 503/);
      assert.ok(receiver.requestCount() >= 1);
    });

    it("backend accepts and never answers: shutdown is bounded and says so", async () => {
      const receiver = await receiverFor(backend, { hang: true });
      const { lines } = await runAgainst(backend, receiver.endpoint, 300);
      assertOneLine(lines, backend, /3 of 3 spans not delivered.*(did not answer|timed out|closed the connection)/);
    });

    it("slow backend: everything arrives, nothing to report", async () => {
      const receiver = await receiverFor(backend, { delayMs: 300 });
      const { lines } = await runAgainst(backend, receiver.endpoint);
      assert.deepEqual(lines, []);
      assert.ok(receiver.requestCount() >= 1);
    });
  });
}

describe("a full batch queue drops spans, and the drop is counted", () => {
  it("reports the spans dropped because maxQueueSize was reached", async () => {
    const zipkin = await startZipkinReceiver();
    closers.push(() => zipkin.close());
    const deliveries = new DeliveryReports();
    const env = readEnvConfig(envFor("zipkin", zipkin.endpoint));
    // A tiny queue and no timer, so 30 quick spans overflow it deterministically:
    // the first 5 go out as one batch, 10 wait in the queue, 15 are dropped.
    const processors = buildSpanProcessors(["zipkin"], {
      env,
      deliveries,
      batchLimits: { maxQueueSize: 10, maxExportBatchSize: 5, scheduledDelayMillis: 60_000 },
    });
    const provider = new BasicTracerProvider({ spanProcessors: processors });
    for (let i = 0; i < 30; i++) provider.getTracer("burst").startSpan(`span ${i}`).end();
    await provider.shutdown();
    const lines = deliveries.close({ gaveUp: false, waitedMs: 5000 });
    assert.equal(zipkin.received.length, 15);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /⚠ zipkin: 15 of 30 spans not delivered to .*: dropped by the batch processor: its queue was full \(maxQueueSize\)$/);
  });
});

describe("two services, one slow but healthy backend: no false loss report", () => {
  for (const backend of ["zipkin", "jaeger", "otlp"] as const) {
    it(`${backend}: the first shutdown leaves the second service's export in flight alone`, async () => {
      const receiver = await receiverFor(backend, { delayMs: 1000 });
      const lines: string[] = [];
      const env = envFor(backend, receiver.endpoint);
      const first = setupTelemetry({ serviceName: "planner", warn: (line) => lines.push(`planner ${line}`), env });
      const second = setupTelemetry({ serviceName: "writer", register: false, warn: (line) => lines.push(`writer ${line}`), env });
      first.tracer().startSpan("plan").end();
      second.tracer().startSpan("write").end();
      // The writer's batch goes out on its timer (500 ms) and is answered a second later;
      // the planner's shutdown flushes at once and is done while the writer's export is in flight.
      const started = Date.now();
      await first.shutdown();
      await second.shutdown();
      assert.deepEqual(lines, [], `🚨 a healthy backend was reported as losing spans after ${Date.now() - started} ms`);
      assert.equal(receiver.requestCount(), 2, "both services' exports reached the backend");
    });
  }
});

describe("an export in flight at shutdown: the reason is what happened", () => {
  for (const backend of ["zipkin", "jaeger", "otlp"] as const) {
    it(`${backend}: a backend that never answers is not said to have closed the connection`, async () => {
      const receiver = await receiverFor(backend, { hang: true });
      const lines: string[] = [];
      const telemetry = setupTelemetry({ serviceName: "agent", shutdownTimeoutMs: 300, warn: (line) => lines.push(line), env: envFor(backend, receiver.endpoint) });
      telemetry.tracer().startSpan("chat").end();
      // The batch processor's timer (500 ms) sends the span; shutdown starts while it waits.
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal(receiver.requestCount(), 1, "the export is in flight");
      await telemetry.shutdown();
      assertOneLine(lines, backend, /1 of 1 spans not delivered.*(did not answer before shutdown gave up after 300 ms|no answer within)/);
      assert.doesNotMatch(lines.join("\n"), /closed the connection/, "🚨 the workbook closed it, not the backend");
    });
  }
});

describe("what a loss line may print", () => {
  it("never the password of an endpoint with user:password@", async () => {
    const receiver = await receiverFor("zipkin");
    const endpoint = receiver.endpoint.replace("http://", "http://agent:hunter2-secret@");
    await receiver.close(); // refused: a loss line is printed
    const { lines } = await runAgainst("zipkin", endpoint);
    assertOneLine(lines, "zipkin", /not delivered to http:\/\/agent:\*\*\*@127\.0\.0\.1:\d+\/api\/v2\/spans: connection refused/);
    assert.doesNotMatch(lines.join("\n"), /hunter2/, "🚨 the endpoint's password reached the terminal");
  });

  it("no control characters from a backend's answer", async () => {
    const receiver = await receiverFor("zipkin", { status: 400, responseBody: "\x1b]0;pwned\x07\x1b[2J bad span" });
    const { lines } = await runAgainst("zipkin", receiver.endpoint);
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines.join("\n"), /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, `🚨 raw control characters in: ${JSON.stringify(lines)}`);
  });
});

describe("an OTLP backend that accepted the spans and answered with a huge body", () => {
  it("is not reported as loss (the exporter stops reading past 4 MiB and says 'failure')", async () => {
    const receiver = await receiverFor("otlp", { responseBody: "x".repeat(10 * 1024 * 1024) });
    const { lines } = await runAgainst("otlp", receiver.endpoint);
    assert.deepEqual(lines, [], "🚨 spans the backend accepted (HTTP 200) were reported as not delivered");
    assert.equal(receiver.requestCount(), 1);
  });

  it("is still loss when the huge answer is an error status", async () => {
    const receiver = await receiverFor("otlp", { status: 400, responseBody: "x".repeat(10 * 1024 * 1024) });
    const { lines } = await runAgainst("otlp", receiver.endpoint);
    assertOneLine(lines, "otlp", /3 of 3 spans not delivered/);
  });
});

describe("an export the batch processor stopped waiting for (exportTimeoutMillis)", () => {
  it("jaeger: the line says how long the backend was waited for, not that it closed the connection", async () => {
    const receiver = await receiverFor("jaeger", { hang: true });
    const { lines } = await runAgainst("jaeger", receiver.endpoint, 8000);
    assertOneLine(lines, "jaeger", /1 of 1 spans not delivered|3 of 3 spans not delivered/);
    assert.match(lines[0]!, /gave no answer in (\d{4}) ms/);
    assert.ok(Number(/gave no answer in (\d+) ms/.exec(lines[0]!)![1]) >= 4900, "the time is the time really waited (exportTimeoutMillis is 5000)");
    assert.doesNotMatch(lines[0]!, /closed the connection/);
  });
});
