// Detectors for secrets and personal data in telemetry (lesson 12 builds its redaction processor on them).
export { redactText, findSensitive, luhnValid, marker, MAX_SCAN_CHARS, type RedactionKind, type RedactOptions } from "./redact.ts";
