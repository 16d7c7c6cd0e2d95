// Plain HTTP plumbing for lessons with more than one service (no telemetry in here).
export { readJson, sendJson, postJson, BadRequestError, type JsonResponse } from "./json.ts";
export { listen, type Handler, type RunningServer } from "./server.ts";
