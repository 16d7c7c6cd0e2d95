/**
 * A node process started ahead of time by watch mode (warm-children.ts):
 * tsx is loaded and so are the modules every lesson run needs (the SDK, the
 * workbook's telemetry kit and, for a test run, the test kit). It waits for
 * one line on standard input, the file to run, and then runs it as if node
 * had been started with it: process.argv[1] is that file (so runMain() sees
 * the lesson as the entry point) and the process ends when the file's work
 * ends, with its exit status.
 *
 * It is still one process per run: the time limit, a newer save and Ctrl-C
 * kill it and its process group, so a learner's endless loop is stopped as
 * before. Only the waiting moved to before the save.
 *
 *   node --import tsx [the run's own flags] shared/workbook/warm-entry.ts tests|file
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const kind = process.argv[2];
const shared = ["@opentelemetry/api", "@opentelemetry/semantic-conventions/incubating", "../telemetry/index.ts", "../trace-view/index.ts", "../agents/index.ts", "../http/index.ts"];
// The test kit registers nothing when imported (node:test starts only with the first test), but a lesson run has no use for it.
const preload = kind === "tests" ? [...shared, "node:assert/strict", "../testing/index.ts"] : shared;
// A module that fails here fails again, with its real message, when the run imports it.
await Promise.all(preload.map((name) => import(name).catch(() => undefined)));

const file = await firstLine();
if (!file) process.exit(0); // the parent closed our input without a run: nothing to do
const path = resolve(file);
process.argv.splice(1, process.argv.length - 1, path);
await import(pathToFileURL(path).href);

/** The first line on standard input; then standard input is closed, as it is ("ignore") for a cold run. */
function firstLine(): Promise<string> {
  return new Promise((done) => {
    let text = "";
    const finish = () => {
      process.stdin.off("data", onData).off("end", finish);
      process.stdin.destroy();
      done(text.split("\n")[0] ?? "");
    };
    const onData = (chunk: string) => {
      text += chunk;
      if (text.includes("\n")) finish();
    };
    process.stdin.setEncoding("utf8").on("data", onData).on("end", finish);
  });
}
