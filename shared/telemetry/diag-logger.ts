/**
 * The SDK's own log: `diag`. Exporters, processors and the API report their
 * problems there ("Dropped 120 spans because maxQueueSize reached", "Zipkin
 * response status code: 400"), and by default nobody listens, so those
 * messages go nowhere. This is the TypeScript version of the seed guide's
 * 启用详细日志 tip (`logging.getLogger("opentelemetry").setLevel(logging.DEBUG)`):
 *
 *   OTEL_LOG_LEVEL=debug npx tsx solutions/03-propagation.ts
 *
 * Levels follow the spec's OTEL_LOG_LEVEL: none, error, warn (default),
 * info, debug, verbose, all. Each message prints as one readable line on
 * stderr: errors show their message, not a stack or a JSON dump.
 */
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { loggingErrorHandler, setGlobalErrorHandler } from "@opentelemetry/core";
import { countedErrors } from "./delivery.ts";
import { ConfigError } from "./env.ts";
import { printable } from "../privacy/printable.ts";
import { redactText } from "../privacy/redact.ts";

const LEVELS: Record<string, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** OTEL_LOG_LEVEL → DiagLogLevel; unset means warn, a typo is an error (not a silent default). */
export function parseLogLevel(raw: string | undefined): DiagLogLevel {
  const name = raw?.trim().toLowerCase();
  if (!name) return DiagLogLevel.WARN;
  // Own keys only: LEVELS["__proto__"] or LEVELS["constructor"] come from Object.prototype.
  const level = Object.hasOwn(LEVELS, name) ? LEVELS[name] : undefined;
  if (level === undefined) {
    throw new ConfigError("OTEL_LOG_LEVEL", `unknown level "${printable(raw, 40)}".`, `Use one of: ${Object.keys(LEVELS).join(", ")}.`);
  }
  return level;
}

/** Longest SDK log line printed: exporters may quote a backend's whole answer. */
const MAX_LINE_CHARS = 500;

/**
 * One line per message: `otel warn: <message>`, with errors reduced to their
 * message, secrets masked (an endpoint's password, a token in a header), control
 * characters escaped and the length bounded.
 */
export function readableLine(level: string, message: string, args: unknown[]): string {
  const details = args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === "string" ? arg : safeJson(arg)));
  const text = [message, ...details].join(" ").slice(0, 4 * MAX_LINE_CHARS).replace(/\s*\n\s*/g, " ");
  return `otel ${level}: ${printable(redactText(text), MAX_LINE_CHARS)}`;
}

/**
 * The tracer provider reads OTEL_TRACES_SAMPLER itself even when given a
 * sampler, and logs an error for a value it does not know in its own
 * spelling ("ALWAYS_OFF" is invalid to it, "defaulting to parentbased_always_on"),
 * next to the kit's own decision. The kit has checked these variables
 * (env.ts) and passes its sampler explicitly, so that line is noise that
 * contradicts what happens.
 */
function isSamplerEnvNoise(message: string): boolean {
  return /^OTEL_TRACES_SAMPLER(_ARG)?[ =]/.test(message);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function readableDiagLogger(write: (line: string) => void): DiagLogger {
  const at =
    (level: string) =>
    (message: string, ...args: unknown[]): void =>
      isSamplerEnvNoise(message) ? undefined : write(readableLine(level, message, args));
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug"), verbose: at("verbose") };
}

/**
 * Registers the diag logger and a readable global error handler (where the
 * BatchSpanProcessor sends failed exports). Returns a function that undoes both.
 */
export function installDiagnostics(
  env: Record<string, string | undefined>,
  write: (line: string) => void = (line) => console.error(line),
): () => void {
  const level = parseLogLevel(env.OTEL_LOG_LEVEL);
  diag.setLogger(readableDiagLogger(write), { logLevel: level, suppressOverrideMessage: true });
  setGlobalErrorHandler((error) => {
    // Failed exports are counted by the delivery report and summed up in one
    // line per backend at shutdown; repeating each one here (every 500 ms
    // while a backend is down) would bury that line. At debug they all show.
    const counted = typeof error === "object" && error !== null && countedErrors.has(error);
    const batchTimeout = error instanceof Error && error.message === "Timeout";
    if ((counted || batchTimeout) && level < DiagLogLevel.DEBUG) return;
    const message = error instanceof Error ? error.message : typeof error === "string" ? error : safeJson(error);
    diag.error(batchTimeout ? "a span export took longer than exportTimeoutMillis" : message);
  });
  return () => {
    setGlobalErrorHandler(loggingErrorHandler());
    diag.disable();
  };
}
