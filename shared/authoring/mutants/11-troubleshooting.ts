import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "takes recording from the sampled flag instead of span.isRecording()",
    edits: [["  const recording = span.isRecording();", "  const recording = sampled;"]],
    mentions: /isRecording\(\), not from the flag/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "treats every span with real ids as recording (no sampled-out verdict)",
    edits: [['verdict: recording ? "recording" : "sampled-out" };', 'verdict: "recording" };']],
    mentions: /sampled out/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "registers the logger at a fixed WARN level",
    edits: [["  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });", "  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true }); void level;"]],
    mentions: /level it is given/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "ends the span twice: in try and again in finally",
    edits: [["      span.setAttribute(\"app.summary.length\", summary.length);\n      return summary;", "      span.setAttribute(\"app.summary.length\", summary.length);\n      span.end();\n      return summary;"]],
    mentions: /ends its span twice/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "ends the span in catch and on success, then marks it ERROR after end()",
    edits: [
      ["    } catch (err) {\n      span.recordException(err as Error);", "    } catch (err) {\n      span.end();\n      span.recordException(err as Error);"],
      ["    } finally {\n      // The one line that decides whether this span exists at all.\n      span.end();\n    }", "    } finally {\n      // The one line that decides whether this span exists at all.\n      if (span.isRecording()) span.end();\n    }"],
    ],
    mentions: /used after it ended|status is UNSET/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "swallows the error: returns an empty summary instead of rethrowing",
    edits: [["      throw err;\n    } finally {\n      // The one line", "      return \"\";\n    } finally {\n      // The one line"]],
    mentions: /should still throw/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "sets ERROR but does not record the exception",
    edits: [["      span.recordException(err as Error);\n      span.setStatus", "      span.setStatus"]],
    mentions: /exception/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "keeps a truncated copy of the document instead of its size",
    edits: [['  const attributes = { "user.id": userId, "app.document.length": document.length };', '  const attributes = { "user.id": userId, "app.document.length": document.length, "app.document.preview": document.slice(0, 100) };']],
    mentions: /document's text is still on the span/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "puts the user id in the span name after all",
    edits: [['  const name = "handle_request";', "  const name = `handle_request ${userId}`;"]],
    mentions: /ids in span names|one name/,
  },
  {
    kind: "correct",
    why: "ends the span in finally with the error recorded via a separate helper",
    edits: [
      [
        "      span.recordException(err as Error);\n      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });",
        "      const error = err instanceof Error ? err : new Error(String(err));\n      span.recordException(error);\n      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });",
      ],
    ],
  },
  {
    kind: "correct",
    why: "checks the span context with trace.isSpanContextValid",
    edits: [["  if (!isSpanContextValid(spanContext)) {", "  if (!trace.isSpanContextValid(spanContext)) {"]],
  },
] satisfies Mutant[];
