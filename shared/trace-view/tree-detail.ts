// How much the trace tree shows under each span.
//
// compact (default): the shape — names, kinds, services, durations, status,
//   events and exceptions, links, and notes on parents that are elsewhere.
// full: also every span's attributes. Eight gen_ai.* attributes on each chat
//   span turn a 20-line tree into 90, so they are one variable away.

export type TreeDetail = "compact" | "full";

export const TREE_DETAIL_ENV = "WORKBOOK_TREE";
const VALUES: readonly TreeDetail[] = ["compact", "full"];

/** Reads WORKBOOK_TREE; unset or empty means compact. Anything else is a mistake worth stopping for. */
export function treeDetailFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): TreeDetail {
  const raw = env[TREE_DETAIL_ENV]?.trim().toLowerCase();
  if (!raw) return "compact";
  if ((VALUES as readonly string[]).includes(raw)) return raw as TreeDetail;
  // The value comes from outside: bound it and make it printable before it reaches the terminal.
  const shown = JSON.stringify(env[TREE_DETAIL_ENV]!.slice(0, 40));
  // Same shape as the telemetry kit's ConfigError, which runMain() prints as one readable line.
  throw new Error(
    `🚨 ${TREE_DETAIL_ENV}: ${shown} is not a tree view.\n   Use ${TREE_DETAIL_ENV}=full to show span attributes, or leave it unset for the compact tree.`,
  );
}

/** The one line a compact tree adds, once, when it hid something. */
export const HIDDEN_DETAIL_HINT = `(span attributes hidden: ${TREE_DETAIL_ENV}=full shows them)`;
