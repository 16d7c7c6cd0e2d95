/**
 * Compare the *shape* of traces (who is whose child) with an indented outline:
 *
 *   assertTraceShape(spans, `
 *     invoke_agent researcher
 *       chat gpt-4
 *   `);
 *
 * Siblings are compared in name order, so concurrent work does not make the
 * check flaky. On failure both trees are printed next to each other.
 */
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { parentId, spanId, traceId } from "./spans.ts";

interface Node {
  name: string;
  children: Node[];
}

function render(nodes: Node[], depth = 0): string[] {
  return [...nodes]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((node) => [`${"  ".repeat(depth)}${node.name}`, ...render(node.children, depth + 1)]);
}

/** The spans as an outline, one tree per root (a span whose parent is not among them). */
export function traceShape(spans: readonly ReadableSpan[]): string {
  const nodes = new Map(spans.map((span) => [`${traceId(span)}/${spanId(span)}`, { name: span.name, children: [] as Node[] }]));
  const top: Node[] = [];
  for (const span of spans) {
    const node = nodes.get(`${traceId(span)}/${spanId(span)}`)!;
    const parent = nodes.get(`${traceId(span)}/${parentId(span)}`);
    (parent ? parent.children : top).push(node);
  }
  return render(top).join("\n");
}

/** Parses an indented outline (any consistent indentation) into the same canonical form. */
export function normalizeShape(outline: string): string {
  const lines = outline.split("\n").filter((line) => line.trim());
  const top: Node[] = [];
  const stack: { indent: number; node: Node }[] = [];
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const node: Node = { name: line.trim(), children: [] };
    while (stack.length && stack.at(-1)!.indent >= indent) stack.pop();
    (stack.length ? stack.at(-1)!.node.children : top).push(node);
    stack.push({ indent, node });
  }
  return render(top).join("\n");
}

export function assertTraceShape(spans: readonly ReadableSpan[], expected: string, hint?: string): void {
  const want = normalizeShape(expected);
  const got = traceShape(spans);
  if (want === got) return;
  const indent = (text: string) => (text || "(no spans)").split("\n").map((line) => `     ${line}`).join("\n");
  throw new Error(
    `🚨 the trace does not have the expected shape.\n   expected:\n${indent(want)}\n   actual:\n${indent(got)}\n` +
      `   ${hint ?? "A span at the top level that should be nested was started outside its parent's context."}`,
  );
}
