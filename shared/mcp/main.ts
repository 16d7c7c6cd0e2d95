/**
 * The MCP tool server as a process of its own:
 * `node --import tsx shared/mcp/main.ts`, started by startMcpServer()
 * (spawn.ts). WORKBOOK_MCP_WRAP_MODULE names a module whose `traceToolCall`
 * export wraps every tool (the lesson file: task 4 runs here, in this
 * process). Its telemetry is the workbook's setupTelemetry(), like the model
 * server's: OTEL_TRACES_EXPORTER applies, WORKBOOK_TRACE_FILE collects its
 * spans next to the caller's. Stops on SIGTERM/SIGINT or when the parent
 * goes away, flushing first.
 */
import { pathToFileURL } from "node:url";
import { setupTelemetry } from "../telemetry/index.ts";
import { listenMcp } from "./http-server.ts";
import type { WrapTool } from "./tools-server.ts";

const telemetry = setupTelemetry({ serviceName: "mcp-tools-server", serviceVersion: "1.0.0" });
const modulePath = process.env.WORKBOOK_MCP_WRAP_MODULE;
let wrap: WrapTool | undefined;
if (modulePath) {
  const mod = (await import(pathToFileURL(modulePath).href)) as { traceToolCall?: WrapTool };
  if (typeof mod.traceToolCall !== "function") throw new Error(`🚨 ${modulePath} exports no traceToolCall(name, handler) function`);
  wrap = mod.traceToolCall;
}
const server = await listenMcp(wrap);

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= (async () => {
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
else console.log(`MCP tool server listening on ${server.url} (Ctrl-C stops it)`);
