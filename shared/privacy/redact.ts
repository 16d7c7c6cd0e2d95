/**
 * Finding secrets and personal data in free text, and masking them.
 *
 * Telemetry is copied to places with wider access and longer retention than
 * the application's own data: a trace backend, a vendor, a support ticket.
 * Whatever a span carries must be safe to show there. These detectors catch
 * the usual leaks in an AI-agent app: API keys pasted into prompts, bearer
 * tokens in logged headers, e-mail addresses, card numbers.
 *
 * Patterns find candidates; card numbers are confirmed with the Luhn check,
 * so an order number or a timestamp of the same length is left alone.
 */

export type RedactionKind = "api_key" | "bearer_token" | "email" | "card_number";

interface Detector {
  kind: RedactionKind;
  pattern: RegExp;
  /** Confirms a candidate; without it every match is redacted. */
  confirm?: (match: string) => boolean;
  /** What replaces the match; defaults to the whole match. */
  replace?: (match: string, marker: string) => string;
}

export const marker = (kind: RedactionKind): string => `[REDACTED:${kind}]`;

const DETECTORS: Detector[] = [
  // "Authorization: Bearer eyJ..." — keep the scheme, so the reader knows what was there.
  { kind: "bearer_token", pattern: /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi, replace: (_match, m) => `Bearer ${m}` },
  // Provider keys: OpenAI and Anthropic (sk-..., sk-proj-..., sk-ant-...), GitHub tokens, AWS access key ids.
  { kind: "api_key", pattern: /\bsk-[A-Za-z0-9_-]{16,}/g },
  { kind: "api_key", pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}/g },
  { kind: "api_key", pattern: /\bAKIA[0-9A-Z]{16}\b/g },
  { kind: "email", pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  // 13 to 19 digits, optionally grouped by spaces or dashes, confirmed by Luhn.
  { kind: "card_number", pattern: /\b\d(?:[ -]?\d){12,18}\b/g, confirm: (match) => luhnValid(match.replace(/\D/g, "")) },
];

/** The Luhn checksum that every payment card number satisfies. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The text with every detected secret or personal datum replaced by a marker such as `[REDACTED:email]`. */
export function redactText(text: string): string {
  let result = text;
  for (const detector of DETECTORS) {
    result = result.replace(detector.pattern, (match) => {
      if (detector.confirm && !detector.confirm(match)) return match;
      const m = marker(detector.kind);
      return detector.replace ? detector.replace(match, m) : m;
    });
  }
  return result;
}

/** What redactText() would mask, by kind (for reports and tests). */
export function findSensitive(text: string): RedactionKind[] {
  const found = new Set<RedactionKind>();
  for (const detector of DETECTORS) {
    for (const match of text.match(detector.pattern) ?? []) {
      if (!detector.confirm || detector.confirm(match)) found.add(detector.kind);
    }
  }
  return [...found];
}
