/**
 * The metrics a solution recorded (WORKBOOK_METRICS_FILE, written at
 * shutdown): each explicit-bucket histogram drawn as a bar chart of its
 * buckets, and the other instruments as a table of their final values.
 */
import type { MetricPointRecord, MetricRecord } from "../../shared/trace-view/dump.ts";
import { escapeHtml } from "./markdown.ts";

type HistogramPoint = Extract<MetricPointRecord, { histogram: unknown }>;

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 44, right: 12, top: 22, bottom: 46 };

export function renderMetrics(records: readonly MetricRecord[]): string {
  const histograms = records.filter((record) => record.type === "HISTOGRAM" && record.points.some(isHistogram));
  const others = records.filter((record) => record.type === "SUM" || record.type === "GAUGE");
  const charts = histograms.map(renderHistogramFigure).join("");
  const table = others.length
    ? `<div class="table-wrap"><table><thead><tr><th>metric</th><th>type</th><th>attributes</th><th>value</th></tr></thead><tbody>${others
        .flatMap((record) =>
          record.points.map((point) =>
            `<tr><td><code>${escapeHtml(record.name)}</code>${record.unit ? ` <span class="muted">${escapeHtml(record.unit)}</span>` : ""}</td>` +
            `<td>${instrumentKind(record)}</td><td>${escapeHtml(formatAttributes(point.attributes))}</td>` +
            `<td>${"value" in point ? point.value : ""}</td></tr>`,
          ),
        )
        .join("")}</tbody></table></div>`
    : "";
  return charts + table;
}

/** A SUM is a counter only when monotonic; an up-down counter's SUM can go down (lesson 07's queue depth). */
function instrumentKind(record: MetricRecord): string {
  if (record.type === "GAUGE") return "gauge";
  return record.monotonic === false ? "up-down counter" : "counter";
}

function renderHistogramFigure(record: MetricRecord): string {
  const points = record.points.filter(isHistogram);
  // One chart per instrument: attribute sets with the same buckets are added up.
  const boundaries = points[0]!.histogram.boundaries;
  const same = points.filter((point) => sameBoundaries(point.histogram.boundaries, boundaries));
  const counts = boundaries.map(() => 0).concat(0);
  for (const point of same) point.histogram.counts.forEach((count, index) => (counts[index] = (counts[index] ?? 0) + count));
  const count = same.reduce((sum, point) => sum + point.histogram.count, 0);
  const sum = same.reduce((total, point) => total + (point.histogram.sum ?? 0), 0);
  const min = Math.min(...same.map((point) => point.histogram.min ?? Infinity));
  const max = Math.max(...same.map((point) => point.histogram.max ?? -Infinity));
  const unit = record.unit ? ` ${record.unit}` : "";
  const caption =
    `<code>${escapeHtml(record.name)}</code>${record.description ? ` — ${escapeHtml(record.description)}` : ""}<br>` +
    `<span class="muted">${count} measurements · mean ${count ? round(sum / count) : 0}${escapeHtml(unit)} · min ${Number.isFinite(min) ? round(min) : "–"} · max ${Number.isFinite(max) ? round(max) : "–"}` +
    ` · ${same.length} attribute set${same.length === 1 ? "" : "s"}</span>`;
  // The series behind the bars, folded: with several attribute sets the list is long.
  const series = `<details class="series"><summary>The ${same.length} series added up in this chart</summary><ul>${same
    .map((point) => `<li><code>${escapeHtml(formatAttributes(point.attributes) || "{}")}</code>: ${point.histogram.count}</li>`)
    .join("")}</ul></details>`;
  return `<figure class="histogram">${histogramSvg(record.name, boundaries, counts, unit)}<figcaption>${caption}</figcaption>${series}</figure>`;
}

/** Bars for the buckets from the first to the last that holds anything; the empty tails say nothing. */
export function histogramSvg(name: string, boundaries: readonly number[], counts: readonly number[], unit = ""): string {
  const labels = counts.map((_, index) =>
    index === 0 ? `≤ ${boundaries[0] ?? "∞"}` : index < boundaries.length ? `≤ ${boundaries[index]}` : `> ${boundaries.at(-1)}`,
  );
  const first = Math.max(counts.findIndex((count) => count > 0), 0);
  const lastFilled = counts.length - 1 - [...counts].reverse().findIndex((count) => count > 0);
  const last = counts.some((count) => count > 0) ? lastFilled : counts.length - 1;
  const shown = counts.slice(first, last + 1);
  const shownLabels = labels.slice(first, last + 1);
  const top = Math.max(...shown, 1);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  // Wide enough to read, never a wall: a chart of two buckets keeps slim bars.
  const slot = Math.min(plotW / shown.length, 90);
  const bars = shown
    .map((count, index) => {
      const h = (count / top) * plotH;
      const bx = PAD.left + index * slot + slot * 0.12;
      const by = PAD.top + plotH - h;
      return `<g class="hist-bucket" data-count="${count}" data-bucket="${escapeHtml(shownLabels[index]!)}">` +
        `<title>${escapeHtml(`${shownLabels[index]}${unit}: ${count}`)}</title>` +
        `<rect class="hist-bar" x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(slot * 0.76).toFixed(1)}" height="${Math.max(h, count ? 1 : 0).toFixed(1)}" rx="2"/>` +
        `<text class="hist-count" x="${(bx + slot * 0.38).toFixed(1)}" y="${(by - 5).toFixed(1)}" text-anchor="middle">${count}</text>` +
        `<text class="hist-label" x="${(bx + slot * 0.38).toFixed(1)}" y="${PAD.top + plotH + 16}" text-anchor="middle">${escapeHtml(shownLabels[index]!)}</text>` +
        `</g>`;
    })
    .join("");
  return `<svg class="histogram-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(`Histogram of ${name}`)}">` +
    `<line class="hist-axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotH}"/>` +
    `<text class="hist-axis-label" x="${PAD.left - 8}" y="${PAD.top + 4}" text-anchor="end">${top}</text>` +
    `<text class="hist-axis-label" x="${PAD.left - 8}" y="${PAD.top + plotH}" text-anchor="end">0</text>` +
    bars +
    `<text class="hist-axis-label" x="${PAD.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">bucket (upper bound${escapeHtml(unit)})</text>` +
    `</svg>`;
}

function isHistogram(point: MetricPointRecord): point is HistogramPoint {
  return "histogram" in point;
}

function sameBoundaries(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function formatAttributes(attributes: Record<string, unknown>): string {
  const entries = Object.entries(attributes);
  return entries.length ? `{${entries.map(([key, value]) => `${key}=${String(value)}`).join(", ")}}` : "";
}

function round(value: number): number {
  return Number(value.toPrecision(3));
}
