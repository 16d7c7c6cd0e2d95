// Terminal colours, kept tiny on purpose: a handful of SGR codes and the
// conventions people already set in their shells (NO_COLOR, FORCE_COLOR).

const CODES = {
  bold: 1,
  dim: 2,
  red: 31,
  green: 32,
  yellow: 33,
  magenta: 35,
  cyan: 36,
} as const;

export type Style = keyof typeof CODES;

/** Wraps `text` in one ANSI style, or returns it untouched when colour is off. */
export function paint(text: string, style: Style, on: boolean): string {
  return on && text !== "" ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text;
}

/**
 * Should output to `stream` be coloured?
 * - `NO_COLOR` set to anything non-empty turns colour off (https://no-color.org), and wins:
 *   it is the reader's explicit opt-out.
 * - `FORCE_COLOR` non-empty and not "0"/"false" turns it on, e.g. when piping to `less -R`.
 * - Otherwise colour only on a real terminal: files, pipes and CI logs stay clean.
 * `env` is a parameter so tests need not mutate `process.env`.
 */
export function colorEnabled(
  stream: { readonly isTTY?: boolean } = process.stdout,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force.toLowerCase() !== "false";
  return stream.isTTY === true;
}
