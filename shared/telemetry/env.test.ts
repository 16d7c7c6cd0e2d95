import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DiagLogLevel } from "@opentelemetry/api";
import { ConfigError, otlpBase, parseExporters, parseRatio, parseResourceAttributes, parseSampler, readEnvConfig } from "./env.ts";
import { parseLogLevel } from "./diag-logger.ts";

describe("readEnvConfig", () => {
  it("returns nothing set for an empty environment", () => {
    assert.deepEqual(readEnvConfig({}), {
      serviceName: undefined,
      resourceAttributes: {},
      exporters: undefined,
      sampler: undefined,
      zipkinEndpoint: undefined,
      jaegerEndpoint: undefined,
      otlpTracesEndpoint: undefined,
    });
  });

  it("reads every variable the workbook honours", () => {
    const config = readEnvConfig({
      OTEL_SERVICE_NAME: "gateway",
      OTEL_RESOURCE_ATTRIBUTES: "team=agents,deployment.environment.name=prod%20eu",
      OTEL_TRACES_EXPORTER: "tree, Zipkin,jaeger",
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: "http://127.0.0.1:9411/api/v2/spans",
      OTEL_EXPORTER_JAEGER_ENDPOINT: "http://127.0.0.1:14268/api/traces",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318/",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
    });
    assert.equal(config.serviceName, "gateway");
    assert.deepEqual(config.resourceAttributes, { team: "agents", "deployment.environment.name": "prod eu" });
    assert.deepEqual(config.exporters, ["tree", "zipkin", "jaeger"]);
    assert.equal(config.zipkinEndpoint, "http://127.0.0.1:9411/api/v2/spans");
    assert.equal(config.jaegerEndpoint, "http://127.0.0.1:14268/api/traces");
    assert.equal(config.otlpTracesEndpoint, "http://127.0.0.1:4318/v1/traces");
    assert.deepEqual(config.sampler, { name: "parentbased_traceidratio", ratio: 0.25 });
  });

  it("prefers the signal-specific OTLP endpoint and treats empty values as unset", () => {
    const config = readEnvConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:4318/custom",
      OTEL_SERVICE_NAME: "  ",
    });
    assert.equal(config.otlpTracesEndpoint, "http://b:4318/custom");
    assert.equal(config.serviceName, undefined);
  });
});

describe("bad values are errors that name the variable and the fix", () => {
  const fails = (fn: () => unknown, variable: string, pattern: RegExp) =>
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.equal(error.variable, variable);
      assert.match(error.message, pattern);
      return true;
    });

  it("an unknown exporter lists the accepted names", () => {
    fails(() => parseExporters("zipkin,jagger"), "OTEL_TRACES_EXPORTER", /unknown exporter "jagger"[\s\S]*tree, console, zipkin, jaeger, otlp, none/);
    fails(() => parseExporters("none,tree"), "OTEL_TRACES_EXPORTER", /"none" cannot be combined/);
  });

  it("a bad sampler or ratio", () => {
    fails(() => parseSampler("ratio", undefined), "OTEL_TRACES_SAMPLER", /unknown sampler "ratio"[\s\S]*parentbased_traceidratio/);
    for (const bad of ["1.5", "-0.1", "10%", "0,5", "abc", ""]) {
      fails(() => parseRatio(bad), "OTEL_TRACES_SAMPLER_ARG", /is not a ratio between 0 and 1/);
    }
    fails(() => parseSampler(undefined, "0.1"), "OTEL_TRACES_SAMPLER_ARG", /OTEL_TRACES_SAMPLER is not set/);
    assert.equal(parseRatio("0"), 0);
    assert.equal(parseRatio(".5"), 0.5);
    assert.equal(parseRatio("1"), 1);
  });

  it("a malformed URL", () => {
    fails(() => readEnvConfig({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: "localhost:9411" }), "OTEL_EXPORTER_ZIPKIN_ENDPOINT", /not a URL|only http: and https:/);
    fails(() => readEnvConfig({ OTEL_EXPORTER_JAEGER_ENDPOINT: "http//oops" }), "OTEL_EXPORTER_JAEGER_ENDPOINT", /not a URL/);
    fails(() => readEnvConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://x" }), "OTEL_EXPORTER_OTLP_ENDPOINT", /only http: and https:/);
  });

  it("malformed resource attributes", () => {
    fails(() => parseResourceAttributes("team"), "OTEL_RESOURCE_ATTRIBUTES", /not a key=value pair/);
    fails(() => parseResourceAttributes("=x"), "OTEL_RESOURCE_ATTRIBUTES", /not a key=value pair/);
    fails(() => parseResourceAttributes("a=%E0%A4%A"), "OTEL_RESOURCE_ATTRIBUTES", /broken percent-encoding/);
  });
});

describe("hostile and odd values (issue 16)", () => {
  const fails = (fn: () => unknown, variable: string, pattern: RegExp) =>
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof ConfigError, `🚨 expected a ConfigError, got ${String(error)}`);
      assert.equal(error.variable, variable);
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, "🚨 the error message carries raw control characters");
      return true;
    });

  it('OTEL_TRACES_EXPORTER=",,," is an error, not silently no exporter', () => {
    fails(() => parseExporters(",,,"), "OTEL_TRACES_EXPORTER", /names no exporter/);
    fails(() => parseExporters(" , "), "OTEL_TRACES_EXPORTER", /names no exporter/);
  });

  it("OTEL_LOG_LEVEL accepts only its own level names, not Object.prototype's", () => {
    for (const bad of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      fails(() => parseLogLevel(bad), "OTEL_LOG_LEVEL", /unknown level/);
    }
    assert.equal(parseLogLevel("DEBUG"), DiagLogLevel.DEBUG);
  });

  it("escape sequences and bidi overrides in OTEL_SERVICE_NAME or resource attributes are refused", () => {
    fails(() => readEnvConfig({ OTEL_SERVICE_NAME: "agent\x1b]0;pwned\x07" }), "OTEL_SERVICE_NAME", /control or bidi characters: "agent\\x1b\]0;pwned\\x07"/);
    fails(() => readEnvConfig({ OTEL_SERVICE_NAME: "txt.\u202egnp" }), "OTEL_SERVICE_NAME", /control or bidi/);
    fails(() => readEnvConfig({ OTEL_SERVICE_NAME: "a".repeat(300) }), "OTEL_SERVICE_NAME", /300 characters long; at most 255/);
    fails(() => parseResourceAttributes("team=%1B%5B2J"), "OTEL_RESOURCE_ATTRIBUTES", /the value of "team" contains control/);
    fails(() => parseResourceAttributes("te\x9bam=x"), "OTEL_RESOURCE_ATTRIBUTES", /an attribute key contains control/);
    assert.equal(readEnvConfig({ OTEL_SERVICE_NAME: "审计-agent" }).serviceName, "审计-agent");
  });

  it("a bad URL's password is not repeated in the error", () => {
    fails(() => readEnvConfig({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: "ftp://u:hunter2@host/x" }), "OTEL_EXPORTER_ZIPKIN_ENDPOINT", /ftp:\/\/u:\*\*\*@host\/x/);
  });

  it("an OTLP base URL keeps its query string after the signal path", () => {
    assert.equal(otlpBase("http://collector:4318?tenant=a"), "http://collector:4318/v1/traces?tenant=a");
    assert.equal(otlpBase("http://collector:4318/otlp/?tenant=a&x=1"), "http://collector:4318/otlp/v1/traces?tenant=a&x=1");
    assert.equal(readEnvConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://c.example/base?k=v" }).otlpTracesEndpoint, "https://c.example/base/v1/traces?k=v");
  });
});
