/**
 * The Collector config (otel-collector.yaml) and docker-compose.yml, checked
 * the only way this machine can: no container runtime runs here, so no real
 * Collector loads the file. What is checked: both files parse as YAML; every
 * pipeline names only receivers, processors and exporters the file defines
 * (what a Collector refuses at start-up with "references processor X which is
 * not configured"); the processors sit in the order the Collector's own
 * docs recommend; tail sampling keeps errors, slow traces and expensive LLM
 * calls; every compose image is pinned and the mounted config exists.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const load = (file: string) => parse(readFileSync(ROOT + file, "utf8")) as Record<string, any>;

const KINDS = ["receivers", "processors", "exporters"] as const;

describe("otel-collector.yaml", () => {
  const config = load("otel-collector.yaml");
  const pipelines = Object.entries<Record<string, string[]>>(config.service?.pipelines ?? {});

  it("has a traces, a metrics and a logs pipeline", () => {
    assert.deepEqual(pipelines.map(([name]) => name.split("/")[0]).sort(), ["logs", "metrics", "traces"]);
  });

  it("every pipeline names only components defined in its section, and every defined one is used", () => {
    for (const kind of KINDS) {
      const defined = new Set(Object.keys(config[kind] ?? {}));
      const used = new Set<string>();
      for (const [name, pipeline] of pipelines) {
        const listed = pipeline[kind] ?? [];
        if (kind !== "processors") assert.ok(listed.length > 0, `🚨 pipeline ${name} has no ${kind}`);
        for (const component of listed) {
          assert.ok(defined.has(component), `🚨 pipeline ${name} names ${kind.slice(0, -1)} "${component}", which the ${kind} section does not define`);
          used.add(component);
        }
      }
      for (const component of defined) assert.ok(used.has(component), `🚨 ${kind.slice(0, -1)} "${component}" is defined but no pipeline uses it`);
    }
  });

  it("memory_limiter first and batch last in every pipeline; redaction before sampling; tail sampling on traces only", () => {
    for (const [name, { processors = [] }] of pipelines) {
      assert.equal(processors[0], "memory_limiter", `🚨 pipeline ${name}: memory_limiter must come first`);
      assert.equal(processors.at(-1), "batch", `🚨 pipeline ${name}: batch should come last`);
      if (name.startsWith("traces")) {
        assert.ok(processors.indexOf("redaction") >= 0 && processors.indexOf("redaction") < processors.indexOf("tail_sampling"), `🚨 ${name}: redact before tail sampling`);
      } else {
        assert.ok(!processors.includes("tail_sampling"), `🚨 ${name}: tail_sampling takes traces only`);
      }
    }
  });

  it("tail sampling keeps errors, slow traces and expensive LLM calls, and samples the rest", () => {
    const policies: { type: string; [key: string]: any }[] = config.processors.tail_sampling.policies;
    const byType = (type: string) => policies.find((policy) => policy.type === type) ?? assert.fail(`🚨 no ${type} policy`);
    assert.deepEqual(byType("status_code").status_code.status_codes, ["ERROR"]);
    assert.ok(byType("latency").latency.threshold_ms > 0);
    assert.match(byType("numeric_attribute").numeric_attribute.key, /^gen_ai\.usage\.(input|output)_tokens$/);
    const percentage = byType("probabilistic").probabilistic.sampling_percentage;
    assert.ok(percentage > 0 && percentage < 100, `sampling_percentage ${percentage}`);
    assert.match(String(config.processors.tail_sampling.decision_wait), /^\d+s$/);
  });

  it("the redaction patterns are valid regular expressions that mask an API key", () => {
    for (const pattern of config.processors.redaction.blocked_values as string[]) {
      // Go's RE2 and JavaScript agree on these constructs; (?i) is RE2's flag syntax.
      const re = new RegExp(pattern.replace(/^\(\?i\)/, ""), pattern.startsWith("(?i)") ? "i" : "");
      assert.ok(re.test("sk-abcdefghijklmnop1234") || re.test("Bearer abcdefghijklmnop1234"), pattern);
    }
  });

  it("listens for OTLP/HTTP on 4318 on every interface of the container", () => {
    assert.equal(config.receivers.otlp.protocols.http.endpoint, "0.0.0.0:4318");
  });
});

describe("docker-compose.yml", () => {
  const compose = load("docker-compose.yml");
  const services = Object.entries<Record<string, any>>(compose.services);

  it("every image has a pinned version tag", () => {
    for (const [name, service] of services) {
      assert.match(service.image, /^[\w./-]+:\d+\.\d+\.\d+$/, `🚨 service ${name}: image "${service.image}" is not pinned to a version`);
    }
  });

  it("the Collector is the contrib distribution, mounts otel-collector.yaml, owns 4318 and forwards to a service that exists", () => {
    const collector = compose.services["otel-collector"] ?? assert.fail("🚨 no otel-collector service");
    assert.match(collector.image, /^otel\/opentelemetry-collector-contrib:/);
    const mount = (collector.volumes as string[]).find((volume) => volume.startsWith("./otel-collector.yaml:"));
    assert.ok(mount && existsSync(ROOT + "otel-collector.yaml"));
    assert.ok((collector.command as string[]).some((arg) => arg === `--config=${mount.split(":")[1]}`), "🚨 the Collector is started with the mounted file");
    const hostPorts = services.flatMap(([, service]) => (service.ports ?? []).map((port: string) => port.split(":")[0]));
    assert.equal(hostPorts.filter((port: string) => port === "4318").length, 1, "🚨 exactly one service publishes host port 4318");
    assert.ok(collector.ports.some((port: string) => port.startsWith("4318:")));
    const config = load("otel-collector.yaml");
    for (const exporter of Object.values<Record<string, any>>(config.exporters)) {
      if (!exporter?.endpoint) continue;
      const host = String(exporter.endpoint).split(":")[0];
      assert.ok(compose.services[host], `🚨 an exporter sends to "${host}", which is no service in docker-compose.yml`);
    }
  });
});
