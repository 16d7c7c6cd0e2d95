import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { childTelemetry } from "./child-telemetry.ts";

describe("childTelemetry()", () => {
  it("gives children every exporter OTEL_TRACES_EXPORTER names but the terminal tree, and one trace file", () => {
    const children = childTelemetry("test", { OTEL_TRACES_EXPORTER: " tree, otlp ,zipkin" });
    try {
      assert.deepEqual(children.env, { WORKBOOK_TRACE_FILE: children.traceFile, OTEL_TRACES_EXPORTER: "otlp,zipkin" }, "🚨 a child should keep otlp and zipkin and drop only tree");
      assert.ok(existsSync(dirname(children.traceFile)), "🚨 the trace file's folder does not exist");
    } finally {
      children.remove();
    }
    assert.equal(existsSync(dirname(children.traceFile)), false, "🚨 remove() left the temporary folder behind");
  });

  it("says none when only the tree was asked for, and keeps a WORKBOOK_TRACE_FILE it was given", () => {
    const children = childTelemetry("test", { OTEL_TRACES_EXPORTER: "tree", WORKBOOK_TRACE_FILE: "/tmp/docs-run.jsonl" });
    children.remove();
    assert.deepEqual(children.env, { WORKBOOK_TRACE_FILE: "/tmp/docs-run.jsonl", OTEL_TRACES_EXPORTER: "none" }, "🚨 no exporter left should be \"none\", and the docs site's trace file kept");
  });
});
