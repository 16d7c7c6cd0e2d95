/**
 * Trace context in an MCP request's `params._meta`, as docs/gen-ai/mcp.md
 * ("Context propagation") asks: the configured propagators write their keys
 * (`traceparent`, `tracestate`, `baggage`) unprefixed into `_meta`, and the
 * receiver reads them back as the remote parent.
 *
 * `_meta` comes from the peer, so the getter trusts nothing: a key that is not
 * a string, or longer than the W3C limits allow, reads as absent (the
 * propagator then starts no remote parent, instead of parsing an object or a
 * megabyte).
 */
import type { TextMapGetter, TextMapSetter } from "@opentelemetry/api";

export type Meta = Record<string, unknown>;

/** W3C Trace Context: tracestate at most 512 characters; W3C Baggage: 8192 bytes. traceparent is 55. */
const MAX_LENGTH: Record<string, number> = { traceparent: 55 + 8, tracestate: 512, baggage: 8192 };
const DEFAULT_MAX = 512;

export const metaSetter: TextMapSetter<Meta> = {
  set(meta, key, value) {
    meta[key] = value;
  },
};

export const metaGetter: TextMapGetter<Meta | undefined> = {
  keys(meta) {
    return meta && typeof meta === "object" ? Object.keys(meta).slice(0, 64) : [];
  },
  get(meta, key) {
    if (!meta || typeof meta !== "object") return undefined;
    const value = Object.hasOwn(meta, key) ? meta[key] : undefined;
    if (typeof value !== "string") return undefined;
    return value.length <= (MAX_LENGTH[key] ?? DEFAULT_MAX) ? value : undefined;
  },
};
