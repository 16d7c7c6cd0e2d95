// Detectors for secrets and personal data in telemetry (lesson 12 builds its redaction processor on them).
export { redactText, findSensitive, luhnValid, marker, type RedactionKind } from "./redact.ts";
