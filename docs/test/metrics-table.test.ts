/** The docs site's metrics table names each SUM by the instrument that made it. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { renderMetrics } from "../generator/histogram.ts";
import type { MetricRecord } from "../../shared/trace-view/dump.ts";

function sum(name: string, monotonic: boolean): MetricRecord {
  return { service: "s", scope: "app", name, description: "", unit: "", type: "SUM", monotonic, points: [{ attributes: {}, value: 3 } as MetricRecord["points"][number]] };
}

describe("metrics table", () => {
  it("calls a non-monotonic SUM an up-down counter, a monotonic one a counter", () => {
    const html = renderMetrics([sum("agent.queue.depth", false), sum("agent.requests", true)]);
    assert.match(html, /agent\.queue\.depth<\/code><\/td><td>up-down counter</, "🚨 an up-down counter's SUM is labelled as something else");
    assert.match(html, /agent\.requests<\/code><\/td><td>counter</, "🚨 a counter's SUM is labelled as something else");
  });
});
