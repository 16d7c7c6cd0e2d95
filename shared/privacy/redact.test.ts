import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findSensitive, luhnValid, MAX_SCAN_CHARS, redactText, type RedactionKind } from "./index.ts";

describe("redactText", () => {
  it("masks API keys, bearer tokens, e-mail addresses and card numbers", () => {
    const text =
      'config {"key":"sk-proj-abcdefghijklmnopqrstuvwx"} sent by ada.lovelace@example.com ' +
      "with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig and card 4111 1111 1111 1111";
    const redacted = redactText(text);
    assert.equal(
      redacted,
      'config {"key":"[REDACTED:api_key]"} sent by [REDACTED:email] with Authorization: Bearer [REDACTED:bearer_token] and card [REDACTED:card_number]',
    );
    assert.deepEqual(findSensitive(redacted), []);
  });

  it("leaves numbers that fail the Luhn check, and ordinary text, alone", () => {
    assert.equal(luhnValid("4111111111111111"), true);
    assert.equal(luhnValid("4111111111111112"), false);
    const text = "order 1234567890123 at 2024-08-06, model gpt-4o, tokens 4096";
    assert.equal(redactText(text), text);
  });

  it("finds each kind", () => {
    assert.deepEqual(findSensitive("sk-ant-api03-abcdefghijklmnop and 5500-0000-0000-0004"), ["api_key", "card_number"]);
    assert.deepEqual(findSensitive("ghp_abcdefghijklmnopqrstuvwxyz0123456789 AKIAIOSFODNN7EXAMPLE"), ["api_key"]);
  });
});

// Both directions, one table each. Every secret below was missed (or every
// harmless text masked) by the first version of the detectors.
const SECRETS: [RedactionKind, string, string][] = [
  ["api_key", "Stripe secret key", "stripe sk_live_51HqLyjWDarjtT1zdp7dc9XyZ"],
  ["api_key", "Stripe restricted key", "rk_test_4eC39HqLyjWDarjtT1zdp7dc"],
  ["api_key", "GitHub fine-grained token", "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"],
  ["api_key", "GitLab token", "glpat-xxxxxxxxxxxxxxxxxxxx"],
  ["api_key", "Slack bot token", "xoxb-1234567890-abcdefghijkl"],
  ["api_key", "Google API key", "AIzaSyA1234567890abcdefghijklmnopqrstu"],
  ["api_key", "Hugging Face token", "hf_abcdefghijklmnopqrstuvwxyz0123456789"],
  ["api_key", "AWS temporary key id", "ASIAIOSFODNN7EXAMPLE"],
  ["api_key", "an OpenAI key cut by a length limit (the end of the value)", "key=sk-proj-Zx81"],
  ["api_key", "an AWS key id cut by a length limit", "aws AKIAIOSF"],
  ["jwt", "a bare JWT", "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"],
  ["jwt", "a JWT cut after its header", "id_token eyJhbGciOiJIUzI1NiJ9."],
  ["bearer_token", "a lowercase bearer header", "authorization: bearer abc123def456ghi789"],
  ["basic_auth", "Basic credentials", "Authorization: Basic dXNlcjpodW50ZXIy"],
  ["private_key", "a PEM private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\nabcd==\n-----END RSA PRIVATE KEY-----"],
  ["private_key", "an encrypted PEM key with headers", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,1A2B\n\nMIIE+/abc\n-----END ENCRYPTED PRIVATE KEY-----"],
  ["private_key", "a PEM key cut before its END line", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"],
  ["url_password", "a password in a URL", "connecting to postgres://app:s3cr3t@db.internal:5432/orders"],
  ["email", "a percent-encoded e-mail address", "GET /users?email=ada.lovelace%40example.com"],
  ["email", "an e-mail address in angle brackets", "From: Ada <ada@example.co.uk>"],
  ["card_number", "a 15-digit Amex number", "amex 3782 822463 10005"],
  ["card_number", "a Mastercard 2-series number", "2223003122003222"],
];

const HARMLESS: [string, string][] = [
  ["prose with the word Bearer", "Bearer of bad news: the deploy failed"],
  ["a short bearer word", "the bearer token is missing"],
  ["prose with the word Basic", "Basic training starts Monday"],
  ["a retina image name", "logo@2x.png and icon@3x.webp"],
  ["an SSH git remote", "git clone git@github.com:open-telemetry/opentelemetry-js.git"],
  ["Luhn-valid epoch milliseconds", "started at 1733011200002"],
  ["epoch microseconds", "timestamp 1733011200000004"],
  ["a version string", "@opentelemetry/sdk-trace-base@2.12.1"],
  ["a URL without credentials", "http://localhost:9411/api/v2/spans"],
  ["a URL with a port only", "https://example.com:8443/path?q=a@b"],
  ["words ending in sk-", "task-list risk-free desk-lamp"],
  ["a model name", "gpt-4o-mini claude-3-5-sonnet"],
  ["an order number", "order 1234567890123"],
  ["a trace id", "4bf92f3577b34da6a3ce929d0e0e4736"],
];

describe("the detectors, both directions", () => {
  for (const [kind, what, text] of SECRETS) {
    it(`finds ${what} (${kind})`, () => {
      assert.ok(findSensitive(text).includes(kind), `🚨 ${what} was not found as ${kind} in: ${text}`);
      const redacted = redactText(text);
      assert.ok(redacted.includes(`[REDACTED:${kind}]`), `🚨 ${what} was not masked: ${redacted}`);
      assert.deepEqual(findSensitive(redacted), [], `🚨 something is left after redaction: ${redacted}`);
    });
  }
  for (const [what, text] of HARMLESS) {
    it(`leaves ${what} alone`, () => {
      assert.equal(redactText(text), text, `🚨 ${what} was masked, a false positive`);
      assert.deepEqual(findSensitive(text), []);
    });
  }

  it("keeps what is around a match: the scheme, the user of a URL, the colon after an address", () => {
    assert.equal(redactText("Bearer abc.def-123456"), "Bearer [REDACTED:bearer_token]");
    assert.equal(redactText("https://app:pw@db/x"), "https://app:[REDACTED:url_password]@db/x");
    assert.equal(redactText("to ada@example.com: hi"), "to [REDACTED:email]: hi");
  });
});

describe("the redactor's cost is bounded", () => {
  it(`scans at most MAX_SCAN_CHARS (${MAX_SCAN_CHARS}) characters and drops the rest, marked`, () => {
    const secretPastTheLimit = "a".repeat(MAX_SCAN_CHARS) + " ada@example.com";
    const redacted = redactText(secretPastTheLimit);
    assert.ok(redacted.length < MAX_SCAN_CHARS + 100, `🚨 redactText returned ${redacted.length} characters`);
    assert.ok(!redacted.includes("ada@example.com"), "🚨 text past the scan limit was passed on unscanned");
    assert.match(redacted, /\[REDACTED:unscanned\] \(16 more characters\)$/);
    // findSensitive, the check that nothing leaked, looks at everything.
    assert.deepEqual(findSensitive(secretPastTheLimit), ["email"]);
    assert.deepEqual(findSensitive(redacted), []);
  });

  // Inputs shaped to make a backtracking pattern try every start position.
  // A quadratic pattern needs minutes for 1 MB of these (the first e-mail
  // pattern took 20 s for 100 KB); linear ones take milliseconds. The limit
  // is generous for a busy shared machine and still three orders of
  // magnitude below quadratic.
  const ADVERSARIAL: [string, string][] = [
    ["e-mail local part with no @", "a".repeat(1 << 20)],
    ["dotted domain with no TLD", "a@" + "a1.".repeat(350_000)],
    ["percent-encoded @ with no domain", "a%40".repeat(260_000)],
    ["key prefixes", "sk-".repeat(350_000)],
    ["JWT headers", "eyJ".repeat(350_000)],
    ["Bearer with no token", "Bearer ".repeat(150_000)],
    ["URL schemes with no @", "a://b:".repeat(175_000)],
    ["PEM headers with no END", "-----BEGIN PRIVATE KEY-----".repeat(40_000)],
    ["spaced digits", "4 ".repeat(500_000)],
  ];
  for (const [what, text] of ADVERSARIAL) {
    it(`is linear on 1 MB of ${what}`, () => {
      const started = performance.now();
      redactText(text, { maxChars: Infinity });
      const ms = performance.now() - started;
      assert.ok(ms < 5000, `🚨 redactText took ${Math.round(ms)} ms on ${text.length} characters of ${what}: a pattern backtracks`);
    });
  }
});

describe("redactAttributes: links and the resource too", () => {
  it("redacts strings and string arrays, leaves numbers and booleans", async () => {
    const { redactAttributes } = await import("./index.ts");
    assert.deepEqual(
      redactAttributes({ "messaging.message.id": "ada@example.com", tags: ["ok", "sk-proj-Zx81bQ2mNc0pLr7sTuVw"], n: 4111111111111111, flag: true }),
      { "messaging.message.id": "[REDACTED:email]", tags: ["ok", "[REDACTED:api_key]"], n: 4111111111111111, flag: true },
    );
  });

  it("makes a resource safe to build from OTEL_RESOURCE_ATTRIBUTES", async () => {
    const { redactAttributes } = await import("./index.ts");
    const { readEnvConfig } = await import("../telemetry/env.ts");
    const { resourceFromAttributes } = await import("@opentelemetry/resources");
    const env = readEnvConfig({ OTEL_RESOURCE_ATTRIBUTES: "owner=ada%40example.com,team=agents" });
    const resource = resourceFromAttributes(redactAttributes(env.resourceAttributes));
    assert.deepEqual(resource.attributes, { owner: "[REDACTED:email]", team: "agents" });
  });
});
