import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AlwaysOffSampler, BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { installDiagnostics, readableLine } from "./diag-logger.ts";

describe("the SDK's log, as the kit prints it", () => {
  it("says nothing contradictory about OTEL_TRACES_SAMPLER=ALWAYS_OFF (the kit already decided)", () => {
    const lines: string[] = [];
    const saved = process.env.OTEL_TRACES_SAMPLER;
    // The tracer provider reads process.env itself, whatever sampler it is given.
    process.env.OTEL_TRACES_SAMPLER = "ALWAYS_OFF";
    const uninstall = installDiagnostics({}, (line) => lines.push(line));
    try {
      new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
    } finally {
      uninstall();
      if (saved === undefined) delete process.env.OTEL_TRACES_SAMPLER;
      else process.env.OTEL_TRACES_SAMPLER = saved;
    }
    assert.deepEqual(lines, [], `🚨 the SDK's own sampler message reached the learner: ${lines.join(" | ")}`);
  });

  it("prints one bounded, printable line with secrets masked", () => {
    const line = readableLine("error", "export failed", [
      new Error(`POST http://u:hunter2@collector/v1/traces answered:\n\x1b]0;pwned\x07${"x".repeat(100_000)}`),
    ]);
    assert.ok(line.length < 600, `🚨 a ${line.length}-character log line`);
    assert.doesNotMatch(line, /hunter2/, "🚨 a password from a URL in the SDK's log");
    assert.doesNotMatch(line, /[\x00-\x1f\x7f-\x9f]/, "🚨 raw control characters in the SDK's log");
    assert.match(line, /^otel error: export failed POST http:\/\/u:\[REDACTED:url_password\]@collector\/v1\/traces answered: \\x1b\]0;pwned\\x07x+…\(\+\d+ chars\)$/);
  });
});
