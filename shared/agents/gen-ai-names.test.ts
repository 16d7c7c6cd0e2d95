/**
 * The copied names must say exactly what the package's incubating entry point
 * says today (a test may import it; runtime code should not). If a future
 * package version renames one, this fails and names it: then check the
 * semantic-conventions-genai repository and update gen-ai-names.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as incubating from "@opentelemetry/semantic-conventions/incubating";
import * as copied from "./gen-ai-names.ts";

describe("gen-ai-names.ts", () => {
  it("matches @opentelemetry/semantic-conventions/incubating for every copied name", () => {
    const upstream = incubating as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(copied)) {
      assert.equal(value, upstream[name], `🚨 ${name} is "${String(value)}" here but "${String(upstream[name])}" in the package`);
    }
  });

  it("copies only unstable names: none of them is in the stable entry point", async () => {
    const stable = (await import("@opentelemetry/semantic-conventions")) as unknown as Record<string, unknown>;
    for (const name of Object.keys(copied)) {
      assert.equal(stable[name], undefined, `🚨 ${name} is stable: import it from @opentelemetry/semantic-conventions instead`);
    }
  });
});
