import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findSensitive, luhnValid, redactText } from "./index.ts";

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
