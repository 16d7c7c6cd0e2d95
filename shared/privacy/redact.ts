/**
 * Finding secrets and personal data in free text, and masking them.
 *
 * Telemetry is copied to places with wider access and longer retention than
 * the application's own data: a trace backend, a vendor, a support ticket.
 * Whatever a span carries must be safe to show there. These detectors catch
 * the usual leaks in an AI-agent app: API keys pasted into prompts, tokens
 * and passwords in logged headers and URLs, private keys, e-mail addresses,
 * card numbers.
 *
 * Two properties matter as much as what is found:
 *
 * - Cost is linear and bounded. The redactor runs inside span.end(), on text
 *   that can come from a request body. JavaScript's regex engine backtracks,
 *   so a pattern that can start a long match at every position of a long run
 *   (`[a-z.]+@` on 100 KB of letters) is quadratic: seconds of blocked event
 *   loop. Every pattern here starts only where its run starts (a lookbehind
 *   that refuses a start in the middle of a run), has no nested quantifier
 *   over the same characters, and the text scanned is cut at MAX_SCAN_CHARS:
 *   the rest is dropped, not passed on unscanned (fail closed).
 * - Harmless look-alikes are left alone, because a redactor that masks
 *   "Bearer of bad news", `logo@2x.png` or a timestamp teaches people to turn
 *   it off. Candidates are confirmed where a check exists (Luhn and an issuer
 *   digit for cards, a `user:password` inside Basic credentials).
 *
 * Lesson 12 ("The redactor's trade-off") explains both directions.
 */
import type { AttributeValue, Attributes } from "@opentelemetry/api";

export type RedactionKind =
  | "api_key"
  | "bearer_token"
  | "basic_auth"
  | "jwt"
  | "private_key"
  | "url_password"
  | "email"
  | "card_number"
  /** Marks where redactText() cut a text longer than MAX_SCAN_CHARS. */
  | "unscanned";

/** The most characters of one text the detectors look at; redactText drops the rest. */
export const MAX_SCAN_CHARS = 65_536;

export const marker = (kind: RedactionKind): string => `[REDACTED:${kind}]`;

interface Detector {
  kind: RedactionKind;
  /** Global; linear (see the file comment). */
  pattern: RegExp;
  /** Confirms a candidate; without it every match is redacted. */
  confirm?: (match: RegExpExecArray) => boolean;
  /** What replaces the match; defaults to the marker alone. */
  replace?: (match: RegExpExecArray, marker: string) => string;
}

// Characters of a token (base64url, plus the few more that keys use). A
// detector starts only where no such character precedes it, so a run of
// them is tried once, not once per position.
const TOKEN = "A-Za-z0-9_\\-";
const notAfterToken = `(?<![${TOKEN}])`;

/**
 * A provider key: a known prefix, then at least `min` token characters. A
 * key at the very end of a text is masked from 4 characters on: a length
 * limit (SpanLimits.attributeValueLengthLimit) cuts a value before the
 * redactor runs, and the half of a key that is left must still be masked.
 */
function prefixedKey(prefix: string, body: string, min: number): RegExp {
  return new RegExp(`${notAfterToken}${prefix}(?:[${body}]{${min},}|[${body}]{4,}$)`, "g");
}

const DETECTORS: Detector[] = [
  // Private keys in PEM armour. Up to the END line, or to the end of the text
  // when there is none (a cut key is still a key). The body takes a "-" only
  // when no "----" follows it, so it stops at the END line and cannot match
  // it two ways (headers such as "DEK-Info:" keep their dash).
  {
    kind: "private_key",
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[A-Za-z0-9+/=\s:,.()]|-(?!----))*(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)?/g,
  },
  // Credentials in a URL: scheme://user:password@host. Keep the user, mask the password.
  {
    kind: "url_password",
    pattern: /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#:@]*:)([^\s/?#@]+)@/g,
    confirm: (match) => match[2] !== marker("url_password"),
    replace: (match, m) => `${match[1]}${m}@`,
  },
  // "Authorization: Bearer eyJ...". The token must look like one (12+
  // characters with a digit or a symbol): "Bearer of bad news" is prose.
  {
    kind: "bearer_token",
    pattern: /\b([Bb]earer\s{1,8})([A-Za-z0-9._~+/-]+=*)/g,
    confirm: (match) => match[2]!.length >= 12 && /[0-9._~+/-]/.test(match[2]!),
    replace: (match, m) => `${match[1]}${m}`,
  },
  // "Authorization: Basic dXNlcjpwYXNz": base64 of "user:password". Confirmed
  // by decoding, so "Basic training" stays.
  {
    kind: "basic_auth",
    pattern: /\b([Bb]asic\s{1,8})([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g,
    confirm: (match) => /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(Buffer.from(match[2]!, "base64").toString("latin1")),
    replace: (match, m) => `${match[1]}${m}`,
  },
  // A JSON Web Token on its own (header.payload.signature, both JSON parts start with "{" = "eyJ").
  {
    kind: "jwt",
    pattern: new RegExp(`${notAfterToken}eyJ[${TOKEN}]{8,}(?:\\.eyJ[${TOKEN}]{4,}(?:\\.[${TOKEN}]*)?|\\.?$)`, "g"),
  },
  // Provider keys. OpenAI and Anthropic (sk-, sk-proj-, sk-ant-), Stripe
  // (sk_live_, rk_test_, ...), GitHub (ghp_ and friends, github_pat_), GitLab,
  // Slack, Google, Hugging Face, Groq, xAI, AWS access key ids.
  { kind: "api_key", pattern: prefixedKey("sk-", TOKEN, 16) },
  { kind: "api_key", pattern: prefixedKey("(?:sk|rk)_(?:live|test)_", "A-Za-z0-9", 16) },
  { kind: "api_key", pattern: prefixedKey("gh[pousr]_", "A-Za-z0-9", 30) },
  { kind: "api_key", pattern: prefixedKey("github_pat_", "A-Za-z0-9_", 40) },
  { kind: "api_key", pattern: prefixedKey("glpat-", TOKEN, 20) },
  { kind: "api_key", pattern: prefixedKey("xox[abprs]-", TOKEN, 10) },
  { kind: "api_key", pattern: prefixedKey("AIza", TOKEN, 30) },
  { kind: "api_key", pattern: prefixedKey("hf_", "A-Za-z0-9", 30) },
  { kind: "api_key", pattern: prefixedKey("gsk_", "A-Za-z0-9", 30) },
  { kind: "api_key", pattern: prefixedKey("xai-", "A-Za-z0-9", 30) },
  { kind: "api_key", pattern: new RegExp(`${notAfterToken}(?:AKIA|ASIA)(?:[0-9A-Z]{16}(?![${TOKEN}])|[0-9A-Z]{4,15}$)`, "g") },
  // E-mail addresses, also percent-encoded (ada%40example.com in a URL).
  // The local part starts where its run starts; the domain is labels
  // separated by dots, each dot required, so nothing can match two ways.
  {
    kind: "email",
    pattern: /(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)(?:@|%40)([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,}))(?![A-Za-z0-9-])(:?)/g,
    confirm: (match) => {
      const [, local, , tld, colon] = match;
      // logo@2x.png, icon@3x.webp: image names, not addresses.
      if (FILE_EXTENSIONS.has(tld!.toLowerCase())) return false;
      // git@github.com:owner/repo.git: an SSH remote, not a person.
      if (colon && local === "git") return false;
      return true;
    },
    replace: (match, m) => `${m}${match[4]}`,
  },
  // 13 to 19 digits, optionally grouped by spaces or dashes, confirmed by Luhn
  // and by the issuer digit: cards start with 2 to 6 (ISO/IEC 7812 major
  // industry identifiers for banking and travel). Epoch milliseconds
  // (1733011200000) start with 1 and are left alone until 2033.
  {
    kind: "card_number",
    pattern: /(?<![\d-])[2-6](?:[ -]?\d){12,18}(?![\d])/g,
    confirm: (match) => luhnValid(match[0].replace(/\D/g, "")),
  },
];

const FILE_EXTENSIONS = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "pdf"]);

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

function replaceConfirmed(text: string, detector: Detector, onFound: () => void): string {
  return text.replace(detector.pattern, (...args: unknown[]) => {
    // String.replace passes (match, ...groups, offset, whole); rebuild an exec-style array.
    const groupCount = args.length - 3;
    const match = Object.assign(args.slice(0, groupCount + 1) as string[], { index: args[groupCount + 1] as number, input: text }) as unknown as RegExpExecArray;
    if (detector.confirm && !detector.confirm(match)) return match[0];
    onFound();
    const m = marker(detector.kind);
    return detector.replace ? detector.replace(match, m) : m;
  });
}

export interface RedactOptions {
  /** Scan at most this many characters (default MAX_SCAN_CHARS); the rest is dropped. */
  maxChars?: number;
}

/**
 * The text with every detected secret or personal datum replaced by a marker
 * such as `[REDACTED:email]`. Text past `maxChars` is dropped and replaced by
 * `[REDACTED:unscanned]` (a count of what was cut follows it).
 */
export function redactText(text: string, { maxChars = MAX_SCAN_CHARS }: RedactOptions = {}): string {
  const cut = text.length > maxChars;
  let result = cut ? text.slice(0, maxChars) : text;
  for (const detector of DETECTORS) result = replaceConfirmed(result, detector, () => {});
  return cut ? `${result}…${marker("unscanned")} (${text.length - maxChars} more characters)` : result;
}

/**
 * What redactText() would mask, by kind (for reports and tests). It scans the
 * whole text (the patterns are linear): it is the check that nothing leaked,
 * so a secret past MAX_SCAN_CHARS, which redactText() would have dropped,
 * must still be found here.
 */
export function findSensitive(text: string): RedactionKind[] {
  const found = new Set<RedactionKind>();
  let scanned = text;
  for (const detector of DETECTORS) {
    // Mask as we go, as redactText does: a JWT after "Bearer" is one bearer token, not also a jwt.
    scanned = replaceConfirmed(scanned, detector, () => found.add(detector.kind));
  }
  return [...found];
}

/**
 * Attributes with every string, and every string in an array, redacted;
 * numbers and booleans as they are. For the places a span processor must not
 * forget: span attributes, event attributes, *link* attributes (a link can
 * carry a message id or a user's address), and the resource (build it from
 * redacted attributes: a span processor cannot change a span's resource).
 */
export function redactAttributes(attributes: Attributes): Attributes {
  const redacted: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) redacted[key] = redactValue(value);
  return redacted;
}

function redactValue(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? redactText(item) : item)) as AttributeValue;
  return value;
}
