import type { Mutant } from "../mutants.ts";

export default [
  {
    task: 1,
    kind: "wrong",
    why: "message content switched on by NODE_ENV=development",
    edits: [['  return value === "true" || value === "span_only" || value === "span_and_event";', '  return value === "true" || value === "span_only" || value === "span_and_event" || process.env.NODE_ENV === "development";']],
    mentions: /NODE_ENV/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "any non-empty value turns content on",
    edits: [['  return value === "true" || value === "span_only" || value === "span_and_event";', "  return Boolean(value);"]],
    mentions: /must leave message content off/,
  },
  {
    task: 1,
    kind: "wrong",
    why: "compares without lower-casing",
    edits: [["  const value = env[CAPTURE_CONTENT_ENV]?.trim().toLowerCase();", "  const value = env[CAPTURE_CONTENT_ENV]?.trim();"]],
    mentions: /should turn content capture on/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "redacts in onEnd() by editing the span's objects: an exporter registered earlier already sent the raw span",
    edits: [
      ["  onEnding(span: Span): void {", "  onEnd(span: ReadableSpan): void {"],
      ["  onEnd(_span: ReadableSpan): void {}", "  onEnding(_span: Span): void {}"],
      ["    span.updateName(redactText(span.name));", "    (span as { name: string }).name = redactText(span.name);"],
      [
        "      if (redacted !== undefined && JSON.stringify(redacted) !== JSON.stringify(value)) span.setAttribute(key, redacted);",
        "      if (redacted !== undefined) (span.attributes as Attributes)[key] = redacted;",
      ],
      [
        "    if (span.status.message) span.setStatus({ ...span.status, message: redactText(span.status.message) });",
        "    if (span.status.message) (span.status as { message?: string }).message = redactText(span.status.message);",
      ],
      ["      span.events[index] = {", "      (span.events as ReadableSpan[\"events\"][number][])[index] = {"],
    ],
    mentions: /onEnding\(\), which runs before any processor's onEnd\(\)/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "redacts attributes but not events (recordException's message leaks)",
    edits: [["      span.events[index] = { ...event, name: redactText(event.name), attributes: redactAttributes(event.attributes) };", "      void event;\n      void index;"]],
    mentions: /sensitive data in its name, status or events/,
  },
  {
    task: 2,
    kind: "wrong",
    why: "redacts events by dropping them",
    edits: [["      span.events[index] = { ...event, name: redactText(event.name), attributes: redactAttributes(event.attributes) };", "      void event;\n      void index;\n      span.events.length = 0;"]],
    mentions: /keep the events/,
  },
  {
    task: 3,
    kind: "wrong",
    why: "a length limit but no count limit",
    edits: [["  return { attributeValueLengthLimit: 2048, attributeCountLimit: 64 };", "  return { attributeValueLengthLimit: 2048 };"]],
    mentions: /count limit of 64/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "forwards the accepted entries' metadata unchanged",
    edits: [["    .map(([key, entry]) => [key, { value: entry.value }] as const);", "    .map(([key, entry]) => [key, entry] as const);"]],
    mentions: /metadata/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "allow-list by key only, no bound on the value's length",
    edits: [["(ALLOWED_BAGGAGE_KEYS as readonly string[]).includes(key) && entry.value.length <= MAX_BAGGAGE_VALUE_LENGTH)", "(ALLOWED_BAGGAGE_KEYS as readonly string[]).includes(key))"]],
    mentions: /at most 64 characters/,
  },
  {
    task: 4,
    kind: "wrong",
    why: "drops all baggage and the trace context with it (returns the parent)",
    edits: [["  return kept.length > 0\n", "  if (kept.length >= 0) return parent;\n  return kept.length > 0\n"]],
    mentions: /caller's trace|ALLOWED_BAGGAGE_KEYS/,
  },
  {
    kind: "correct",
    why: "builds the accepted baggage by removing refused entries (removeEntry) and re-creating kept ones without metadata",
    edits: [
      [
        "  return kept.length > 0\n    ? propagation.setBaggage(extracted, propagation.createBaggage(Object.fromEntries(kept)))\n    : propagation.deleteBaggage(extracted);",
        "  let trimmed = baggage;\n  for (const [key] of baggage.getAllEntries()) trimmed = trimmed.removeEntry(key);\n  for (const [key, entry] of kept) trimmed = trimmed.setEntry(key, entry);\n  return kept.length > 0 ? propagation.setBaggage(extracted, trimmed) : propagation.deleteBaggage(extracted);",
      ],
    ],
  },
  {
    kind: "correct",
    why: "a regular expression for the opt-in values",
    edits: [['  return value === "true" || value === "span_only" || value === "span_and_event";', "  return /^(true|span_only|span_and_event)$/.test(value ?? \"\");"]],
  },
  {
    task: 2,
    kind: "wrong",
    why: "redacts events but leaves link attributes as they came",
    edits: [["      span.links[index] = { ...link, attributes: redactAttributes(link.attributes) };", "      void link;"]],
    mentions: /link/,
  },
] satisfies Mutant[];
