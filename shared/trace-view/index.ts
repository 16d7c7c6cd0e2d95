// The terminal trace view: draw traces as trees, and notice spans that never ended.
export { renderTraces, colorEnabled, type RenderOptions } from "./render.ts";
export { TraceTreeExporter, type TraceTreeExporterOptions } from "./exporter.ts";
export { OpenSpanTracker, describeOpenSpans } from "./open-spans.ts";
export { treeDetailFromEnv, TREE_DETAIL_ENV, type TreeDetail } from "./tree-detail.ts";
