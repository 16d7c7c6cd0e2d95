/**
 * A fenced code block with its comments taken out, so the English and the
 * Chinese block can be compared: translators translate comments and nothing
 * else. What counts as a comment depends on the fence's language:
 *   ts, js (and tsx, jsx, jsonc, json5)   // to the end of the line, and /* … *\/
 *   bash, sh, shell, zsh, yaml, yml, python, py, dockerfile, toml, ini, env   # to the end of the line
 *   anything else (program output, JSON, untagged blocks)   no comments: compared whole
 * Strings are skipped, so "http://x" or "a # b" in quotes stays code. A line
 * that held only a comment is dropped (a translated comment may wrap onto
 * more or fewer lines); trailing spaces are ignored.
 */
const SLASH = new Set(["ts", "typescript", "js", "javascript", "tsx", "jsx", "mjs", "cjs", "jsonc", "json5"]);
const HASH = new Set(["bash", "sh", "shell", "zsh", "console-bash", "yaml", "yml", "python", "py", "dockerfile", "toml", "ini", "env", "dotenv"]);

export type CommentStyle = "slash" | "hash" | "none";

export function commentStyle(lang: string): CommentStyle {
  return SLASH.has(lang) ? "slash" : HASH.has(lang) ? "hash" : "none";
}

/** The code's lines without comments, each with the line (0-based, in `lines`) it came from. */
export function withoutComments(lines: string[], style: CommentStyle): { text: string; from: number }[] {
  if (style === "none") return lines.map((text, from) => ({ text: text.trimEnd(), from }));
  const out: { text: string; from: number }[] = [];
  let inBlock = false; // inside /* … */, which may span lines
  let template = false; // inside a `template literal`, which may span lines
  lines.forEach((line, from) => {
    let code = "";
    let commented = false;
    let quote: string | undefined = template ? "`" : undefined;
    for (let i = 0; i < line.length; i++) {
      const char = line[i]!;
      const next = line[i + 1];
      if (inBlock) {
        if (char === "*" && next === "/") {
          inBlock = false;
          i++;
        }
        continue;
      }
      if (quote) {
        code += char;
        if (char === "\\") code += line[++i] ?? "";
        else if (char === quote) quote = undefined;
        continue;
      }
      if (char === '"' || char === "'" || (char === "`" && style === "slash")) {
        quote = char;
        code += char;
        continue;
      }
      if (style === "slash" && char === "/" && next === "/") {
        commented = true;
        break;
      }
      if (style === "slash" && char === "/" && next === "*") {
        inBlock = commented = true;
        i++;
        continue;
      }
      if (style === "hash" && char === "#" && (i === 0 || /\s/.test(line[i - 1]!))) {
        commented = true;
        break;
      }
      code += char;
    }
    if (inBlock) commented = true;
    // Only template literals continue onto the next line; an unclosed ' or " is a typo the comparison will show.
    template = quote === "`";
    const text = code.trimEnd();
    if (commented && text.trim() === "") return;
    out.push({ text, from });
  });
  return out;
}
