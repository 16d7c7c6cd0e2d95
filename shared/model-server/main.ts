/**
 * The model server as a process of its own: `node --import tsx shared/model-server/main.ts`.
 * Started by `startModelServer()` (spawn.ts), which reads the `listening`
 * message from the IPC channel. It stops on SIGTERM, SIGINT, or when its
 * parent goes away (the IPC channel closes), flushing its spans first: a
 * lesson that crashes never leaves a model server behind.
 *
 * Its telemetry is the workbook's own setupTelemetry() (a service like any
 * other): OTEL_TRACES_EXPORTER and friends apply, and WORKBOOK_TRACE_FILE
 * collects its spans next to the caller's.
 */
import { setupTelemetry } from "../telemetry/index.ts";
import { listen } from "../http/index.ts";
import { modelServerHandler } from "./server.ts";

const env = process.env;
const number = (value: string | undefined) => (value && Number.isFinite(Number(value)) ? Number(value) : undefined);

const telemetry = setupTelemetry({ serviceName: "model-server", serviceVersion: "1.0.0" });
const server = await listen(
  modelServerHandler({
    apiKey: env.WORKBOOK_MODEL_SERVER_API_KEY || undefined,
    latencyMs: number(env.WORKBOOK_MODEL_LATENCY_MS),
    slowMs: number(env.WORKBOOK_MODEL_SLOW_MS),
  }),
);

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= (async () => {
    // A bounded wait: whatever happens, this process exits.
    const forced = setTimeout(() => process.exit(1), 5000);
    forced.unref();
    await server.close().catch(() => {});
    await telemetry.shutdown();
    process.exit(0);
  })();
  return stopping;
}
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.once("disconnect", stop);

if (process.send) process.send({ type: "listening", url: server.url });
else console.log(`model server listening on ${server.url} (Ctrl-C stops it)`);
