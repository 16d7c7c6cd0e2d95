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
}

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
    otlpTracesEndpoint:
      parseUrl(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://localhost:4318/v1/traces") ??
      otlpBase(parseUrl(env, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")),
  };
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
export function otlpBase(base: string | undefined): string | undefined {
  if (base === undefined) return undefined;
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/v1/traces`;
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
