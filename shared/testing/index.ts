export { loadLesson, lessonModulePath, ROOT } from "./load-lesson.ts";
export { useTestTelemetry, type TestTelemetry, type TestTelemetryOptions } from "./fixture.ts";
export {
  spanId,
  traceId,
  parentId,
  serviceOf,
  kindName,
  statusName,
  names,
  spansNamed,
  findSpan,
  childrenOf,
  parentOf,
  roots,
  assertChildOf,
} from "./spans.ts";
export { assertTraceShape, traceShape, normalizeShape } from "./shape.ts";
export { RecordingExporter } from "./recording-exporter.ts";
export { SpanMistakeDetector, type SpanCheckOptions } from "./span-checks.ts";
export { samplingRules } from "./sampling-attributes.ts";
