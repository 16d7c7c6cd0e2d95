// Detectors for secrets and personal data in telemetry (lesson 12 builds its redaction processor on them).
export { redactText, redactAttributes, findSensitive, luhnValid, marker, MAX_SCAN_CHARS, type RedactionKind, type RedactOptions } from "./redact.ts";
// Bound and make printable: every value from outside, before a terminal, a span name or an attribute.
export { printable, isPrintable, displayUrl, BoundedVocabulary, MAX_PRINTABLE_CHARS } from "./printable.ts";
