/**
 * Bound and make printable: the one place where a value from outside (an
 * environment variable, a request body, a header, a backend's answer) is made
 * safe to print on a terminal, or to use as a span name or attribute.
 *
 * Why: a terminal obeys escape sequences. `OTEL_SERVICE_NAME=$'\e]0;pwned\a'`
 * would retitle the window; a CSI sequence in a model name can clear the
 * screen or hide the lines before it; a bidi override (U+202E) makes text read
 * backwards. And a 1 MB value printed or stored per request is a denial of
 * service. So: control characters (C0, DEL, C1), bidi controls, line and
 * paragraph separators and lone surrogates become visible escapes (`\x1b`,
 * `\u202e`), and the result is cut to a length.
 */

// C0 controls and DEL and C1 controls (ESC starts every OSC and CSI sequence; \x9b is a one-byte CSI),
// bidi embeddings, overrides, isolates and marks, the line and paragraph separators, and surrogates
// that are not part of a pair.
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Default cap for one printed value. */
export const MAX_PRINTABLE_CHARS = 200;

/**
 * `value` as one line of plain text: unprintable characters escaped, at most
 * `maxChars` characters of the original kept (the rest summarised as
 * "…(+N chars)"). Work is bounded by maxChars, not by the input's length.
 */
export function printable(value: unknown, maxChars = MAX_PRINTABLE_CHARS): string {
  const text = typeof value === "string" ? value : String(value);
  let kept = text.length > maxChars ? text.slice(0, maxChars) : text;
  // Do not end on half a surrogate pair.
  if (kept.length < text.length && /[\ud800-\udbff]$/.test(kept)) kept = kept.slice(0, -1);
  const escaped = kept.replace(UNPRINTABLE, escape);
  return kept.length < text.length ? `${escaped}…(+${text.length - kept.length} chars)` : escaped;
}

/** True when printable() would leave the value as it is. */
export function isPrintable(value: string, maxChars = MAX_PRINTABLE_CHARS): boolean {
  return value.length <= maxChars && !new RegExp(UNPRINTABLE.source).test(value);
}

/**
 * A URL for messages: the password (and a user name that came with it) is
 * replaced by "***", and the rest made printable. A URL that does not parse is
 * shown only up to where credentials could start.
 */
export function displayUrl(raw: string, maxChars = MAX_PRINTABLE_CHARS): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "***";
    else if (url.username) url.username = "***";
    return printable(url.href, maxChars);
  } catch {
    const at = raw.lastIndexOf("@");
    return printable(at >= 0 ? `***${raw.slice(at)}` : raw, maxChars);
  }
}

/**
 * A bounded vocabulary for values from outside that name things in telemetry
 * (a model name from a request body in a span name or a metric attribute).
 * The first `limit` distinct well-formed values are kept as they are; any
 * later new value, and any value that is not a short printable token, becomes
 * `other`. So a client sending a new model name per request creates at most
 * `limit` span names and metric streams, not one per request.
 */
export class BoundedVocabulary {
  private readonly seen = new Set<string>();

  constructor(
    readonly limit = 50,
    readonly other = "_OTHER",
    private readonly wellFormed: RegExp = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,63}$/,
  ) {}

  name(value: unknown): string {
    if (typeof value !== "string" || !this.wellFormed.test(value)) return this.other;
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit) return this.other;
    this.seen.add(value);
    return value;
  }
}
