/**
 * useTestTelemetry() fails a test that ends a span twice, changes a span
 * after it ended or adds a sampling-relevant attribute after start, and
 * passes correct code. The mistakes have to fail *their* test, so they run
 * in a child `node --test` (fixtures/span-mistakes.fixture.ts) and we read
 * its results.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { ROOT } from "./load-lesson.ts";

interface Result {
  type: "pass" | "fail";
  name: string;
  message?: string;
}

const FIXTURE = "shared/testing/fixtures/span-mistakes.fixture.ts";

async function runFixture(): Promise<Map<string, Result>> {
  const args = ["--import", "tsx", "--test", "--test-reporter", join(ROOT, "shared/workbook/reporter.mjs"), FIXTURE];
  // Without NODE_TEST_CONTEXT the child reports to its own reporter, not to this test runner.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const output = await promisify(execFile)(process.execPath, args, { cwd: ROOT, env, timeout: 60_000 }).catch(
    // A failing test makes node --test exit 1; its report is still on stdout.
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }),
  );
  const results = new Map<string, Result>();
  for (const line of output.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as Result & { suite?: boolean };
    if ((event.type === "pass" || event.type === "fail") && !event.suite) results.set(event.name, event);
  }
  return results;
}

describe("useTestTelemetry() span checks", () => {
  let results: Map<string, Result>;
  before(async () => {
    results = await runFixture();
  });

  const failure = (name: string): string => {
    const result = results.get(name);
    assert.ok(result, `🚨 the fixture test "${name}" did not run (got: ${[...results.keys()].join(", ")})`);
    assert.equal(result.type, "fail", `🚨 "${name}" should fail the test, but it passed`);
    return result.message ?? "";
  };
  const passes = (name: string): void => {
    const result = results.get(name);
    assert.ok(result, `🚨 the fixture test "${name}" did not run`);
    assert.equal(result.type, "pass", `🚨 "${name}" is correct code but failed:\n${result.message}`);
  };

  it("fails a test that ends a span twice, naming the span and where the second end() is", () => {
    const message = failure("ends a span twice");
    assert.match(message, /^🚨 span "twice" was ended twice/m);
    assert.match(message, /second end\(\) at shared\/testing\/fixtures\/span-mistakes\.fixture\.ts:16\)/);
    assert.match(message, /finally/);
  });

  it("fails a test that changes a span after it ended, naming the span, the call and its line", () => {
    const message = failure("sets an attribute after end");
    assert.match(message, /^🚨 span "late" was changed after it ended \(setAttributes\(\) at shared\/testing\/fixtures\/span-mistakes\.fixture\.ts:22\)/m);
    assert.doesNotMatch(message, /setAttribute\(\) at/, "🚨 setAttributes calls the SDK's setAttribute: only the call the code made should be reported");
    const exception = failure("records an exception after end");
    assert.match(exception, /recordException\(\) at shared\/testing\/fixtures\/span-mistakes\.fixture\.ts:28\)/);
    assert.match(exception, /setStatus\(\) at shared\/testing\/fixtures\/span-mistakes\.fixture\.ts:29\)/);
    assert.doesNotMatch(exception, /addEvent\(\) at/, "🚨 recordException calls the SDK's addEvent: only the call the code made should be reported");
  });

  it("fails a test that adds a GenAI sampling attribute after start, naming it and the start options", () => {
    const message = failure("adds gen_ai.request.model after start");
    assert.match(message, /^🚨 span "chat gpt-4" got "gen_ai.request.model" only after it started/m);
    assert.match(message, /startSpan\(\) \/ startActiveSpan\(\)/);
    assert.match(message, /semantic-conventions-genai/);
    assert.doesNotMatch(message, /"gen_ai.operation.name"/, "🚨 an attribute passed at start must not be reported");
  });

  it("reports the agent name and operation of an invoke_agent span set late", () => {
    const message = failure("adds every GenAI attribute after start");
    assert.match(message, /"gen_ai.operation.name", "gen_ai.agent.name"/);
  });

  it("checks HTTP server spans against the HTTP conventions' list", () => {
    const message = failure("adds url.path to an HTTP server span after start");
    assert.match(message, /^🚨 span "GET" got "url.path" only after it started/m);
    assert.match(message, /http-spans\.md/);
  });

  it("passes correct code: one end(), attributes at start, response and usage attributes later", () => {
    passes("ends once, in finally");
    passes("passes sampling attributes at start and sets response attributes later");
    passes("sets http.response.status_code and http.route on an HTTP server span later");
    passes("sets gen_ai.request.model late on an execute_tool span, whose list names only the operation");
    passes("sets server.address late on a span that follows no convention listing it");
  });

  it("lets a test turn the checks off when it makes the mistake on purpose", () => {
    passes("may end twice and add attributes late");
  });
});
