// A node:test reporter that writes one JSON object per line, so `verify` can
// group results by task without parsing human-oriented output.
// Plain JavaScript on purpose: Node loads reporters before any TypeScript
// loader (tsx) is active. The shape it writes is `ReportedEvent` in run-tests.ts.

function messageOf(error) {
  // node:test wraps what the test threw in an ERR_TEST_FAILURE whose cause is the original.
  const original = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return original instanceof Error ? original.message : String(original);
}

export default async function* jsonLines(source) {
  for await (const { type, data } of source) {
    let event;
    if (type === "test:dequeue") {
      // Right before the test runs (test:start comes later, when it is reported): what is running now.
      event = { type: "start", name: data.name ?? "", nesting: data.nesting ?? 0 };
    } else if (type === "test:complete") {
      // Right after it ran, in the order tests run.
      event = { type: "done", name: data.name ?? "", nesting: data.nesting ?? 0 };
    } else if (type === "test:pass" || type === "test:fail") {
      event = {
        type: type === "test:pass" ? "pass" : "fail",
        name: data.name ?? "",
        nesting: data.nesting ?? 0,
        suite: data.details?.type === "suite",
        message: type === "test:fail" ? messageOf(data.details?.error) : undefined,
      };
    } else if (type === "test:stderr" || type === "test:stdout") {
      event = { type: type === "test:stderr" ? "stderr" : "stdout", name: "", nesting: 0, message: data.message };
    }
    if (event) yield `${JSON.stringify(event)}\n`;
  }
}
