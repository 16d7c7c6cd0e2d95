/**
 * How long the redactor takes on hostile text: `npx tsx shared/privacy/redact-bench.ts`.
 * Prints milliseconds for 100 KB and 1 MB of inputs shaped to make a
 * backtracking pattern try every start position, scanned whole (maxChars:
 * Infinity) and as redactText() does by default (cut at MAX_SCAN_CHARS).
 * Linear patterns take ten times as long for ten times the text; a quadratic
 * one takes a hundred times as long.
 */
import { MAX_SCAN_CHARS, redactText } from "./index.ts";

const SHAPES: Record<string, (size: number) => string> = {
  "letters, no @": (n) => "a".repeat(n),
  "dotted domain, no TLD": (n) => "a@" + "a1.".repeat(n / 3),
  "key prefixes": (n) => "sk-".repeat(n / 3),
  "spaced digits": (n) => "4 ".repeat(n / 2),
  "PEM headers, no END": (n) => "-----BEGIN PRIVATE KEY-----".repeat(n / 27),
  "prose with secrets": (n) => "mail ada@example.com key sk-proj-Zx81bQ2mNc0pLr7sTuVw card 4111 1111 1111 1111. ".repeat(n / 80),
};

function time(text: string, maxChars: number): number {
  const started = performance.now();
  redactText(text, { maxChars });
  return performance.now() - started;
}

console.log(`shape                    100 KB whole   1 MB whole   1 MB default (cut at ${MAX_SCAN_CHARS})`);
for (const [name, make] of Object.entries(SHAPES)) {
  const small = make(100_000);
  const large = make(1_000_000);
  const cells = [time(small, Infinity), time(large, Infinity), time(large, MAX_SCAN_CHARS)].map((ms) => `${ms.toFixed(1).padStart(8)} ms`);
  console.log(`${name.padEnd(24)} ${cells.join("   ")}`);
}
