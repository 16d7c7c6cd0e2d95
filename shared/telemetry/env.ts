/**
 * Reads the standard OpenTelemetry environment variables the workbook honours,
 * and turns every malformed value into an error that names the variable, what
 * was wrong and what is accepted. The SDK itself would log a warning and fall
 * back to a default; for a learner a silent fallback is the worst outcome, so
 * we check first and fail loudly.
 *
 * Spec: https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import type { Attributes } from "@opentelemetry/api";
import { displayUrl, isPrintable, printable } from "../privacy/printable.ts";

/** Exporters the kit can build. `tree` (the terminal trace view) is the workbook's default. */
export const EXPORTER_NAMES = ["tree", "console", "zipkin", "jaeger", "otlp", "none"] as const;
export type ExporterName = (typeof EXPORTER_NAMES)[number];

/** The values OTEL_TRACES_SAMPLER accepts (the spec's list, minus vendor ones). */
export const SAMPLER_NAMES = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerConfig {
  name: SamplerName;
  /** Only used by the *traceidratio samplers; 0..1. */
  ratio: number;
}

/** What the environment says; `undefined` means "not set, use the code's value". */
export interface EnvConfig {
  serviceName?: string;
  resourceAttributes: Attributes;
  exporters?: ExporterName[];
  sampler?: SamplerConfig;
  zipkinEndpoint?: string;
  jaegerEndpoint?: string;
  otlpTracesEndpoint?: string;
  /** OTEL_METRICS_EXPORTER; undefined: the code's choice (the workbook's default exports no metrics). */
  metricsExporters?: SignalExporterName[];
  /** OTEL_LOGS_EXPORTER; undefined: the code's choice (the workbook's default exports no log records). */
  logsExporters?: SignalExporterName[];
  otlpMetricsEndpoint?: string;
  otlpLogsEndpoint?: string;
  /** OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else the spec's default http/protobuf. */
  otlpProtocol: Record<"traces" | "metrics" | "logs", OtlpProtocol>;
  /** OTEL_EXPORTER_OTLP_HEADERS merged with the per-signal OTEL_EXPORTER_OTLP_{SIGNAL}_HEADERS (which win). */
  otlpHeaders: Record<"traces" | "metrics" | "logs", Record<string, string>>;
  /** OTEL_METRIC_EXPORT_INTERVAL in ms; the spec's default is 60000. */
  metricExportIntervalMs?: number;
  /** OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE; the exporter's default is cumulative. */
  metricsTemporality?: "cumulative" | "delta" | "lowmemory";
}

/** What OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER accept here (the spec's list minus prometheus). */
export const SIGNAL_EXPORTER_NAMES = ["otlp", "console", "none"] as const;
export type SignalExporterName = (typeof SIGNAL_EXPORTER_NAMES)[number];

/** The OTLP/HTTP encodings the JS exporters of the pinned line offer; grpc needs other packages. */
export const OTLP_PROTOCOLS = ["http/protobuf", "http/json"] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly variable: string,
    problem: string,
    fix: string,
  ) {
    super(`🚨 ${variable}: ${problem}\n   ${fix}`);
  }
}

type Env = Record<string, string | undefined>;

/** Empty strings count as unset, as the spec says. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readEnvConfig(env: Env = process.env): EnvConfig {
  return {
    serviceName: checkText("OTEL_SERVICE_NAME", read(env, "OTEL_SERVICE_NAME"), MAX_NAME_CHARS),
    resourceAttributes: parseResourceAttributes(read(env, "OTEL_RESOURCE_ATTRIBUTES")),
    exporters: parseExporters(read(env, "OTEL_TRACES_EXPORTER")),
    sampler: parseSampler(read(env, "OTEL_TRACES_SAMPLER"), read(env, "OTEL_TRACES_SAMPLER_ARG")),
    zipkinEndpoint: parseUrl(env, "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://localhost:9411/api/v2/spans"),
    jaegerEndpoint: parseUrl(env, "OTEL_EXPORTER_JAEGER_ENDPOINT", "http://localhost:14268/api/traces"),
    otlpTracesEndpoint: otlpSignalEndpoint(env, "traces"),
    otlpMetricsEndpoint: otlpSignalEndpoint(env, "metrics"),
    otlpLogsEndpoint: otlpSignalEndpoint(env, "logs"),
    metricsExporters: parseSignalExporters("OTEL_METRICS_EXPORTER", read(env, "OTEL_METRICS_EXPORTER")),
    logsExporters: parseSignalExporters("OTEL_LOGS_EXPORTER", read(env, "OTEL_LOGS_EXPORTER")),
    otlpProtocol: {
      traces: parseProtocol(env, "traces"),
      metrics: parseProtocol(env, "metrics"),
      logs: parseProtocol(env, "logs"),
    },
    otlpHeaders: {
      traces: signalHeaders(env, "traces"),
      metrics: signalHeaders(env, "metrics"),
      logs: signalHeaders(env, "logs"),
    },
    metricExportIntervalMs: parseInterval(read(env, "OTEL_METRIC_EXPORT_INTERVAL")),
    metricsTemporality: parseTemporality(read(env, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE")),
  };
}

type OtlpSignal = "traces" | "metrics" | "logs";

/** The per-signal variable is used as given; the base one gets /v1/<signal> appended (spec: protocol/exporter.md). */
function otlpSignalEndpoint(env: Env, signal: OtlpSignal): string | undefined {
  const upper = signal.toUpperCase();
  return (
    parseUrl(env, `OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`, `http://localhost:4318/v1/${signal}`) ??
    otlpBase(parseUrl(env, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"), signal)
  );
}

export function parseSignalExporters(variable: string, raw: string | undefined): SignalExporterName[] | undefined {
  if (!raw) return undefined;
  const names = raw.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  const list = SIGNAL_EXPORTER_NAMES.join(", ");
  if (names.length === 0) throw new ConfigError(variable, `"${printable(raw, 40)}" names no exporter.`, `Use a comma list of: ${list}.`);
  for (const name of names) {
    if (!(SIGNAL_EXPORTER_NAMES as readonly string[]).includes(name)) {
      const prometheus = name === "prometheus" ? " The workbook has no Prometheus endpoint: send OTLP to a Collector, which can expose one." : "";
      throw new ConfigError(variable, `unknown exporter "${printable(name, 40)}".${prometheus}`, `Use a comma list of: ${list}. Example: ${variable}=otlp`);
    }
  }
  if (names.includes("none") && names.length > 1) {
    throw new ConfigError(variable, `"none" cannot be combined with other exporters (got "${printable(raw, 80)}").`, `Use ${variable}=none alone to export nothing.`);
  }
  return [...new Set(names)] as SignalExporterName[];
}

/** OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL wins over OTEL_EXPORTER_OTLP_PROTOCOL; the spec's default is http/protobuf. */
export function parseProtocol(env: Env, signal: OtlpSignal): OtlpProtocol {
  const specific = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`;
  const variable = read(env, specific) ? specific : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const raw = read(env, variable);
  if (!raw) return "http/protobuf";
  const protocol = raw.toLowerCase();
  if ((OTLP_PROTOCOLS as readonly string[]).includes(protocol)) return protocol as OtlpProtocol;
  const grpc = protocol === "grpc" ? " OTLP over gRPC needs the *-otlp-grpc exporters, which the workbook does not install;" : "";
  throw new ConfigError(
    variable,
    `unsupported protocol "${printable(raw, 40)}".${grpc}`,
    `Use http/protobuf (the spec's default, port 4318) or http/json. Example: ${variable}=http/json`,
  );
}

/**
 * OTEL_EXPORTER_OTLP_HEADERS: comma-separated key=value, values percent-encoded
 * (the W3C baggage octet format the spec names). The exporters parse it
 * themselves and skip a bad pair with a diag warning; we refuse it up front.
 * Values are secrets more often than not (api-key=...): never echoed back.
 */
export function parseHeaders(variable: string, raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!raw) return headers;
  for (const pair of raw.split(",")) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(key)) {
      throw new ConfigError(
        variable,
        key ? `"${printable(key, 60)}" is not a valid HTTP header name.` : "an entry is not a key=value pair.",
        `Write comma-separated pairs, e.g. ${variable}=x-api-key=abc123,x-tenant=agents (values percent-encoded).`,
      );
    }
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new ConfigError(variable, `the value of header "${printable(key, 60)}" has a broken percent-encoding.`, "Encode commas, spaces and non-ASCII as %XX (encodeURIComponent does it).");
    }
    // A header value may not carry control characters (CR/LF would split the request).
    if (value.length > 4096 || /[\u0000-\u001f\u007f]/.test(value)) {
      throw new ConfigError(variable, `the value of header "${printable(key, 60)}" is longer than 4096 characters or contains control characters.`, "Use a plain printable value.");
    }
    headers[key.toLowerCase()] = value;
  }
  return headers;
}

function signalHeaders(env: Env, signal: OtlpSignal): Record<string, string> {
  const specific = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_HEADERS`;
  return { ...parseHeaders("OTEL_EXPORTER_OTLP_HEADERS", read(env, "OTEL_EXPORTER_OTLP_HEADERS")), ...parseHeaders(specific, read(env, specific)) };
}

/** The exporter itself would warn through diag and fall back to cumulative: refuse instead. */
export function parseTemporality(raw: string | undefined): EnvConfig["metricsTemporality"] {
  if (raw === undefined) return undefined;
  const value = raw.toLowerCase();
  if (value === "cumulative" || value === "delta" || value === "lowmemory") return value;
  throw new ConfigError(
    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
    `unknown temporality "${printable(raw, 40)}".`,
    "Use cumulative (Prometheus-style backends), delta (backends that sum deltas themselves) or lowmemory.",
  );
}

/** OTEL_METRIC_EXPORT_INTERVAL: whole milliseconds, > 0 (spec default 60000). */
export function parseInterval(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ms >= 100 && ms <= 3_600_000)) {
    throw new ConfigError(
      "OTEL_METRIC_EXPORT_INTERVAL",
      `"${printable(raw, 40)}" is not a whole number of milliseconds between 100 and 3600000.`,
      "Give milliseconds without a unit, e.g. OTEL_METRIC_EXPORT_INTERVAL=5000 for every 5 s (the spec's default is 60000).",
    );
  }
  return ms;
}

/** `key1=value1,key2=value2`, values percent-encoded (W3C baggage octets). */
export function parseResourceAttributes(raw: string | undefined): Attributes {
  const attributes: Attributes = {};
  if (!raw) return attributes;
  for (const pair of raw.split(",")) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    if (!key) {
      throw new ConfigError(
        "OTEL_RESOURCE_ATTRIBUTES",
        `"${printable(pair, 80)}" is not a key=value pair.`,
        "Write comma-separated pairs, e.g. OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=dev,team=agents",
      );
    }
    checkText("OTEL_RESOURCE_ATTRIBUTES", key, MAX_NAME_CHARS, "an attribute key");
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new ConfigError(
        "OTEL_RESOURCE_ATTRIBUTES",
        `the value of "${printable(key, 80)}" has a broken percent-encoding.`,
        "Encode commas, equals signs and non-ASCII text as %XX (encodeURIComponent does it).",
      );
    }
    // Checked after decoding: %1B is an escape character too.
    attributes[key] = checkText("OTEL_RESOURCE_ATTRIBUTES", value, MAX_VALUE_CHARS, `the value of "${printable(key, 80)}"`);
  }
  return attributes;
}

export function parseExporters(raw: string | undefined): ExporterName[] | undefined {
  if (!raw) return undefined;
  const names = raw.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) {
    // ",,," would otherwise mean "no exporter" without a word: say so.
    throw new ConfigError(
      "OTEL_TRACES_EXPORTER",
      `"${printable(raw, 40)}" names no exporter.`,
      `Use a comma list of: ${EXPORTER_NAMES.join(", ")} (none to export nothing), or unset it for the default (tree).`,
    );
  }
  for (const name of names) {
    if (!(EXPORTER_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(
        "OTEL_TRACES_EXPORTER",
        `unknown exporter "${printable(name, 40)}".`,
        `Use a comma list of: ${EXPORTER_NAMES.join(", ")}. Example: OTEL_TRACES_EXPORTER=tree,zipkin`,
      );
    }
  }
  if (names.includes("none") && names.length > 1) {
    throw new ConfigError(
      "OTEL_TRACES_EXPORTER",
      `"none" cannot be combined with other exporters (got "${printable(raw, 80)}").`,
      "Use OTEL_TRACES_EXPORTER=none alone to export nothing.",
    );
  }
  return [...new Set(names)] as ExporterName[];
}

export function parseSampler(name: string | undefined, arg: string | undefined): SamplerConfig | undefined {
  if (!name && arg) {
    throw new ConfigError(
      "OTEL_TRACES_SAMPLER_ARG",
      `is set to "${printable(arg, 40)}" but OTEL_TRACES_SAMPLER is not set, so nothing would read it.`,
      "Also set OTEL_TRACES_SAMPLER=parentbased_traceidratio (or traceidratio).",
    );
  }
  if (!name) return undefined;
  const sampler = name.toLowerCase();
  if (!(SAMPLER_NAMES as readonly string[]).includes(sampler)) {
    throw new ConfigError(
      "OTEL_TRACES_SAMPLER",
      `unknown sampler "${printable(name, 40)}".`,
      `Use one of: ${SAMPLER_NAMES.join(", ")}.`,
    );
  }
  return { name: sampler as SamplerName, ratio: parseRatio(arg) };
}

/** A ratio is a plain decimal number between 0 and 1; "10%" or "0,5" are rejected, not guessed at. */
export function parseRatio(arg: string | undefined): number {
  if (arg === undefined) return 1;
  const ratio = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(arg) ? Number(arg) : Number.NaN;
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new ConfigError(
      "OTEL_TRACES_SAMPLER_ARG",
      `"${printable(arg, 40)}" is not a ratio between 0 and 1.`,
      "Give a decimal number, e.g. OTEL_TRACES_SAMPLER_ARG=0.1 to keep 10% of traces.",
    );
  }
  return ratio;
}

function parseUrl(env: Env, variable: string, example: string): string | undefined {
  const raw = read(env, variable);
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `"${displayUrl(raw, 120)}" is not a URL.`, `Give a full URL with scheme and host, e.g. ${example}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(variable, `"${displayUrl(raw, 120)}" uses ${printable(url.protocol, 20)} but only http: and https: are supported.`, `Example: ${example}`);
  }
  return url.href;
}

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT is a base URL; the spec appends the signal
 * path to it. Appended to the *path*: a query string (?tenant=a) stays a
 * query string instead of swallowing "/v1/traces".
 */
export function otlpBase(base: string | undefined, signal: OtlpSignal = "traces"): string | undefined {
  if (base === undefined) return undefined;
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/v1/${signal}`;
  return url.href;
}

/** Longest service name, attribute key (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) and value accepted. */
const MAX_NAME_CHARS = 255;
const MAX_VALUE_CHARS = 1024;

/**
 * A value that will be printed and stored: no control characters (an escape
 * sequence in a service name would drive the learner's terminal), no bidi
 * overrides, and bounded. Refused, not cleaned: the fix belongs where it was set.
 */
function checkText<T extends string | undefined>(variable: string, value: T, maxChars: number, what = "the value"): T {
  if (value === undefined || isPrintable(value, maxChars)) return value;
  const problem =
    value.length > maxChars
      ? `${what} is ${value.length} characters long; at most ${maxChars} are accepted.`
      : `${what} contains control or bidi characters: "${printable(value, 80)}".`;
  throw new ConfigError(variable, problem, "Use plain printable text; escape sequences and invisible characters would reach terminals and backends.");
}
