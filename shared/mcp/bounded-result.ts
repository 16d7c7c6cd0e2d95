/**
 * What an MCP tool sent back, made safe for the model, a span and a terminal.
 * A tool server is a peer we do not control: its result can be megabytes, or
 * text with escape sequences and instructions addressed to the model. The
 * agent keeps at most MAX_TOOL_RESULT_CHARS of the text parts, drops other
 * content kinds (images, resources) with a note, escapes control characters
 * (line breaks excepted), and says what it did, so the span can show it.
 */
import { printable } from "../privacy/printable.ts";

export const MAX_TOOL_RESULT_CHARS = 2000;

export interface BoundedResult {
  text: string;
  isError: boolean;
  /** How many characters the tool really sent (text parts). */
  originalChars: number;
  truncated: boolean;
  /** Control characters were escaped (an escape sequence, a bell, a bidi override ...). */
  escaped: boolean;
}

export function boundToolResult(result: unknown, max = MAX_TOOL_RESULT_CHARS): BoundedResult {
  const r = (result ?? {}) as { content?: unknown; isError?: unknown };
  const parts = Array.isArray(r.content) ? r.content : [];
  let raw = "";
  let dropped = 0;
  for (const part of parts.slice(0, 100)) {
    const p = part as { type?: unknown; text?: unknown } | null;
    if (p?.type === "text" && typeof p.text === "string") {
      // Never join more than we keep plus one: a 100 MB part costs no more than a short one.
      raw += raw.length <= max ? p.text.slice(0, max + 1 - raw.length) : "";
    } else dropped++;
  }
  const originalChars = parts.reduce<number>((n, part) => {
    const text = (part as { text?: unknown } | null)?.text;
    return n + (typeof text === "string" ? text.length : 0);
  }, 0);
  const truncated = originalChars > max;
  const kept = raw.length > max ? raw.slice(0, max) : raw;
  // Line breaks stay (a multi-line report is still one to the model); every other control
  // character, bidi control, line or paragraph separator and lone surrogate is escaped.
  const text = kept.split("\n").map((line) => printable(line, Infinity)).join("\n") + (kept.length < raw.length ? "…" : "");
  const escaped = text !== kept + (kept.length < raw.length ? "…" : "");
  const note = dropped ? ` [${dropped} non-text part(s) dropped]` : "";
  return { text: `${text}${note}`, isError: r.isError === true, originalChars, truncated, escaped };
}
