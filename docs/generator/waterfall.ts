/**
 * A trace as an SVG waterfall, the picture Jaeger and Zipkin draw: one row
 * per span in tree order, indented under its parent, with a bar on a time
 * axis shared by the whole trace. Colours are per service, so a trace that
 * crosses services shows where the time went; failed spans are marked.
 *
 * The input is what a real run dumped (shared/trace-view/dump.ts), and the
 * SVG is styled by the site's CSS classes so it follows the light/dark theme.
 * Hover a row for its attributes (<title>); click it for the full list below.
 */
import type { AttributeValue, Attributes } from "@opentelemetry/api";
import type { SpanRecord } from "../../shared/trace-view/dump.ts";
import { escapeHtml } from "./markdown.ts";

export interface Row {
  span: SpanRecord;
  depth: number;
  /** The span names a parent that is not in this trace's data (a remote caller, or a parent that never ended). */
  missingParent: boolean;
}

/** Traces in the order they started, each a list of its spans. */
export function groupTraces(spans: readonly SpanRecord[]): SpanRecord[][] {
  const traces = new Map<string, SpanRecord[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return [...traces.values()].sort((a, b) => start(a) - start(b));
}

/** Depth-first, children by start time: the order a reader follows the work in. */
export function waterfallRows(spans: readonly SpanRecord[]): Row[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const span of spans) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) {
      children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: SpanRecord, b: SpanRecord) => a.startMs - b.startMs;
  const rows: Row[] = [];
  const visit = (span: SpanRecord, depth: number) => {
    rows.push({ span, depth, missingParent: depth === 0 && span.parentSpanId !== undefined });
    for (const child of (children.get(span.spanId) ?? []).sort(byStart)) visit(child, depth + 1);
  };
  for (const root of roots.sort(byStart)) visit(root, 0);
  return rows;
}

/** A stable colour slot per service, in order of first appearance. */
export function serviceSlots(spans: readonly SpanRecord[]): Map<string, number> {
  const slots = new Map<string, number>();
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    if (!slots.has(span.service)) slots.set(span.service, slots.size % 8);
  }
  return slots;
}

const WIDTH = 960;
const LABEL_WIDTH = 330;
const BAR_X = LABEL_WIDTH + 12;
const DURATION_WIDTH = 76;
const BAR_WIDTH = WIDTH - BAR_X - DURATION_WIDTH;
const ROW = 26;
const AXIS = 30;
const INDENT = 16;
/** Roughly the width of one character of the 12.5px label font. */
const CHAR = 7.2;

export function renderWaterfall(spans: readonly SpanRecord[], slots: ReadonlyMap<string, number>, anchorPrefix = "span"): string {
  const rows = waterfallRows(spans);
  const t0 = start(spans);
  const total = Math.max(end(spans) - t0, 0.001);
  const x = (ms: number) => BAR_X + ((ms - t0) / total) * BAR_WIDTH;
  const height = AXIS + rows.length * ROW + 8;
  const traceId = spans[0]?.traceId ?? "";

  const tickList = niceTicks(total);
  const step = tickList[1] ?? total;
  const ticks = tickList
    .map((tick) => {
      const tx = x(t0 + tick).toFixed(1);
      return `<line class="wf-grid" x1="${tx}" y1="${AXIS - 6}" x2="${tx}" y2="${height - 4}"/>` +
        `<text class="wf-tick" x="${tx}" y="${AXIS - 11}" text-anchor="middle">${formatTick(tick, step)}</text>`;
    })
    .join("");

  const body = rows
    .map((row, index) => {
      const { span, depth } = row;
      const y = AXIS + index * ROW;
      const slot = slots.get(span.service) ?? 0;
      const failed = span.status.code === "ERROR";
      const indent = 8 + depth * INDENT;
      const kind = span.kind === "INTERNAL" ? "" : span.kind;
      const room = Math.floor((LABEL_WIDTH - indent - 18 - (kind.length + 1) * 6.2 - (failed ? 14 : 0)) / CHAR);
      const name = truncate(span.name, Math.max(room, 6));
      const barX = x(span.startMs);
      const barWidth = Math.max((span.durationMs / total) * BAR_WIDTH, 2);
      // Tree guides: one short elbow from the parent's column into this row.
      const guide = depth > 0
        ? `<path class="wf-guide" d="M${indent - INDENT + 4} ${y + 2}V${y + ROW / 2}H${indent - 3}"/>`
        : "";
      const events = span.events
        .map((event) => {
          const ex = x(event.timeMs).toFixed(1);
          const cls = /exception|error/i.test(event.name) ? "wf-event wf-event-error" : "wf-event";
          return `<path class="${cls}" d="M${ex} ${y + 6}l4 5l-4 5l-4-5z"><title>${escapeHtml(eventTitle(event.name, event.attributes, event.timeMs - t0))}</title></path>`;
        })
        .join("");
      return `<a href="#${anchorPrefix}-${span.spanId}" class="wf-link">` +
        `<g class="wf-row svc-${slot}${failed ? " wf-error" : ""}" data-span-id="${span.spanId}"` +
        `${span.parentSpanId ? ` data-parent-id="${span.parentSpanId}"` : ""} data-depth="${depth}" data-name="${escapeHtml(span.name)}">` +
        `<title>${escapeHtml(spanTitle(span))}</title>` +
        `<rect class="wf-hover" x="0" y="${y}" width="${WIDTH}" height="${ROW}"/>` +
        guide +
        `<rect class="wf-dot" x="${indent}" y="${y + 9}" width="8" height="8" rx="2"/>` +
        `<text class="wf-name" x="${indent + 13}" y="${y + 17.5}">${row.missingParent ? "↳ " : ""}${escapeHtml(name)}` +
        `${kind ? ` <tspan class="wf-kind">${kind}</tspan>` : ""}${failed ? ` <tspan class="wf-x">✗</tspan>` : ""}</text>` +
        `<rect class="wf-bar" x="${barX.toFixed(1)}" y="${y + 6}" width="${barWidth.toFixed(1)}" height="${ROW - 12}" rx="3"/>` +
        events +
        `<text class="wf-duration" x="${WIDTH - 6}" y="${y + 17.5}" text-anchor="end">${formatMs(span.durationMs)}</text>` +
        `</g></a>`;
    })
    .join("");

  const label = `Waterfall of trace ${traceId}: ${rows.length} spans over ${formatMs(total)}`;
  return `<svg class="waterfall" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(label)}" data-trace-id="${traceId}">` +
    `<rect class="wf-label-bg" x="0" y="0" width="${LABEL_WIDTH}" height="${height}"/>` +
    ticks +
    body +
    `</svg>`;
}

/** The list under the waterfall: every span's attributes, events and links, each with the anchor its row links to. */
export function renderSpanDetails(spans: readonly SpanRecord[], slots: ReadonlyMap<string, number>, anchorPrefix = "span"): string {
  const t0 = start(spans);
  return waterfallRows(spans)
    .map(({ span, depth }) => {
      const attributes = Object.entries(span.attributes);
      const status = span.status.code === "UNSET" ? "" : ` <span class="status status-${span.status.code.toLowerCase()}">${span.status.code}${span.status.message ? `: ${escapeHtml(span.status.message)}` : ""}</span>`;
      const table = attributes.length
        ? `<table class="attrs"><tbody>${attributes.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(formatValue(value))}</td></tr>`).join("")}</tbody></table>`
        : `<p class="muted">no attributes</p>`;
      const events = span.events.length
        ? `<ul class="events">${span.events.map((event) => `<li><strong>${escapeHtml(event.name)}</strong> <span class="muted">at +${formatMs(event.timeMs - t0)}</span> ${escapeHtml(formatAttributes(event.attributes))}</li>`).join("")}</ul>`
        : "";
      const links = span.links.length
        ? `<ul class="events">${span.links.map((link) => `<li>link → trace <code>${link.traceId.slice(0, 12)}…</code> span <code>${link.spanId}</code> ${escapeHtml(formatAttributes(link.attributes))}</li>`).join("")}</ul>`
        : "";
      return `<div class="span-detail svc-${slots.get(span.service) ?? 0}" id="${anchorPrefix}-${span.spanId}" style="--depth:${Math.min(depth, 8)}">` +
        `<div class="span-head"><span class="dot"></span><strong>${escapeHtml(span.name)}</strong> ` +
        `<span class="muted">${escapeHtml(span.service)} · ${span.kind} · ${formatMs(span.durationMs)} · scope ${escapeHtml(span.scope)}</span>${status}</div>` +
        table + events + links +
        `</div>`;
    })
    .join("");
}

function spanTitle(span: SpanRecord): string {
  const lines = [
    `${span.name}  (${span.service}, ${span.kind}, ${formatMs(span.durationMs)})`,
    `status: ${span.status.code}${span.status.message ? ` — ${span.status.message}` : ""}`,
    ...Object.entries(span.attributes).map(([key, value]) => `${key} = ${formatValue(value)}`),
    ...span.events.map((event) => `• ${event.name} ${formatAttributes(event.attributes)}`),
  ];
  if (span.parentSpanId && span.parentIsRemote) lines.push(`parent ${span.parentSpanId} is in another process`);
  return lines.join("\n");
}

function eventTitle(name: string, attributes: Attributes, offsetMs: number): string {
  return `${name} at +${formatMs(offsetMs)} ${formatAttributes(attributes)}`.trim();
}

function formatAttributes(attributes: Attributes): string {
  const entries = Object.entries(attributes);
  return entries.length ? `{${entries.map(([key, value]) => `${key}: ${formatValue(value)}`).join(", ")}}` : "";
}

function formatValue(value: AttributeValue | undefined): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  const text = String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function formatMs(ms: number): string {
  if (ms === 0) return "0 ms";
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** A tick label with only the decimals its step needs: "0.5 ms", "20 ms", "1.5 s". */
function formatTick(tick: number, step: number): string {
  if (tick === 0) return "0";
  if (step >= 1000) return `${Number((tick / 1000).toPrecision(6))} s`;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return `${tick.toFixed(decimals)} ms`;
}

/** Tick marks at 1, 2 or 5 × 10^n ms, about five across the axis. */
function niceTicks(total: number): number[] {
  const rough = total / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? rough;
  const ticks: number[] = [];
  for (let tick = 0; tick <= total + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(max - 1, 1))}…`;
}

function start(spans: readonly SpanRecord[]): number {
  return Math.min(...spans.map((span) => span.startMs));
}

function end(spans: readonly SpanRecord[]): number {
  return Math.max(...spans.map((span) => span.startMs + span.durationMs));
}
