/**
 * OTEL_LOGS_EXPORTER with a LoggerProvider of the program's own (lesson 10):
 * the kit leaves the global registration to the program (registerLogs:
 * false), and the program's provider forwards into the kit's, so both its
 * own exporter and the OTLP one get every record, with its span's ids.
 * Checked against the workbook's OTLP receiver.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { logs } from "@opentelemetry/api-logs";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { startOtlpReceiver, type OtlpReceiver } from "../receivers/index.ts";
import { ROOT } from "../paths.ts";
import { forwardLogRecords, setupTelemetry, teeLogExporter } from "./index.ts";

const receivers: OtlpReceiver[] = [];
after(async () => {
  for (const receiver of receivers) await receiver.close();
});

describe("a LoggerProvider of your own, and OTEL_LOGS_EXPORTER=otlp", () => {
  it("registers yours, and every record reaches both your exporter and the OTLP endpoint, with its span's ids", async () => {
    const otlp = await startOtlpReceiver();
    receivers.push(otlp);
    const env = { OTEL_TRACES_EXPORTER: "none", OTEL_LOGS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${otlp.origin}/v1/logs` };
    const telemetry = setupTelemetry({ serviceName: "own-logs", env, registerLogs: false, warn: () => {} });
    const mine = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource: telemetry.resource, processors: [new SimpleLogRecordProcessor({ exporter: teeLogExporter(mine, forwardLogRecords(telemetry.loggerProvider)) })] });
    try {
      assert.equal(logs.setGlobalLoggerProvider(provider), provider, "🚨 the kit registered its LoggerProvider first: the Logs API then ignores yours (registerLogs: false)");
      const traceId = telemetry.tracer().startActiveSpan("work", (span) => {
        logs.getLogger("mine").emit({ body: "inside work", severityText: "INFO" });
        span.end();
        return span.spanContext().traceId;
      });
      await provider.forceFlush();
      await telemetry.shutdown();
      assert.deepEqual(mine.getFinishedLogRecords().map((record) => String(record.body)), ["inside work"], "🚨 your own exporter did not get the record");
      const received = otlp.logRecords();
      assert.deepEqual(received.map((record) => record.body), ["inside work"], "🚨 the OTLP endpoint did not get the record forwarded to the kit's provider");
      assert.equal(received[0]?.traceId, traceId, "🚨 the forwarded record lost the trace_id of the span it was written in");
      assert.equal(received[0]?.serviceName, "own-logs", "🚨 the forwarded record lost the service's resource");
      assert.equal(received[0]?.scope, "mine", "🚨 the forwarded record lost its logger's name (instrumentation scope)");
    } finally {
      logs.disable();
      await provider.shutdown();
      await telemetry.shutdown();
    }
  });

  it("lesson 10's solution, run with OTEL_LOGS_EXPORTER=otlp, shows its records and delivers them over OTLP", { timeout: 90_000 }, async () => {
    const otlp = await startOtlpReceiver();
    receivers.push(otlp);
    const env = { ...process.env, NO_COLOR: "1", WORKBOOK_TARGET: undefined, OTEL_LOGS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${otlp.origin}/v1/logs` };
    const child = spawn(process.execPath, ["--import", "tsx", "solutions/10-log-correlation.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(status, 0, `🚨 the lesson exited with ${status}:\n${output.slice(-1500)}`);
    assert.doesNotMatch(output, /never reached the exporter/, `🚨 with OTEL_LOGS_EXPORTER=otlp the lesson's own LoggerProvider got no record:\n${output.slice(-1500)}`);
    assert.match(output, /every JSON line and every log record points at the span/, `🚨 the solution did not finish clean:\n${output.slice(-1500)}`);
    const received = otlp.logRecords();
    assert.ok(received.length > 0, "🚨 no log record arrived at the OTLP endpoint");
    assert.ok(received.some((record) => record.traceId), "🚨 no record that arrived over OTLP carries a trace_id");
  });
});
