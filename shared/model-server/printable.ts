/**
 * Values from the network (a model's reply, an error body, a header) are
 * bounded and made printable before they reach a span, a metric attribute or
 * a terminal: a hostile or broken peer must not be able to write escape
 * sequences into a learner's terminal or megabytes into a span.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** At most `max` characters, control characters shown as `\uXXXX`, an ellipsis when cut. */
export function printable(value: unknown, max = 200): string {
  const text = typeof value === "string" ? value : value === undefined ? "" : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
