/**
 * Line 1 of every Chinese text says which English file it translates and
 * which version of it (the first 12 hex digits of the SHA-256 of its bytes):
 *   <!-- zh-CN translation of lessons/03-propagation.md @ sha256:0123456789ab -->
 * A Chinese original with no English source (the glossary) says so instead:
 *   <!-- zh-CN original -->
 * 12 hex digits (48 bits) are plenty to tell versions of one file apart and short enough to type.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export type Stamp = { kind: "translation"; source: string; hash: string } | { kind: "original" };

const TRANSLATION = /^<!-- zh-CN translation of (\S+) @ sha256:([0-9a-f]{12}) -->$/;
const ORIGINAL = /^<!-- zh-CN original -->$/;

/** The stamp on line 1, or why there is none. */
export function readStamp(text: string): Stamp | { kind: "invalid"; why: string } {
  const [first = "", second] = text.split("\n");
  const line = first.replace(/\r$/, "");
  const translation = TRANSLATION.exec(line);
  const stamp: Stamp | undefined = translation ? { kind: "translation", source: translation[1]!, hash: translation[2]! } : ORIGINAL.test(line) ? { kind: "original" } : undefined;
  if (!stamp) {
    const why = line.startsWith("<!-- zh-CN")
      ? `line 1 is a malformed stamp ("${line.slice(0, 100)}"); it must read <!-- zh-CN translation of PATH @ sha256:<12 lowercase hex> -->`
      : "line 1 has no stamp; it must read <!-- zh-CN translation of PATH @ sha256:<12 lowercase hex> --> (or <!-- zh-CN original --> for a text with no English source)";
    return { kind: "invalid", why };
  }
  if (second !== undefined && second.trim() !== "") return { kind: "invalid", why: "line 2 must be blank (the stamp stands alone on line 1)" };
  return stamp;
}

export function formatStamp(source: string, hash: string): string {
  return `<!-- zh-CN translation of ${source} @ sha256:${hash} -->`;
}

/** The short hash the stamps use, of a file's bytes or of given bytes. */
export function shortHash(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 12);
}

export function fileHash(path: string): string {
  return shortHash(readFileSync(path));
}
