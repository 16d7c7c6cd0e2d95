/**
 * `startMcpServer()`: the MCP tool server in a child process of its own, and a
 * `stop()` that waits for it to flush and exit. Same lifecycle as the model
 * server's (shared/model-server/spawn.ts), whose stopChild() it reuses.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopChild } from "../model-server/index.ts";

export interface McpServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code once the process is gone, however it ended. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface StartMcpOptions {
  /** A module exporting traceToolCall(name, handler): the server's tracing (lesson 15 task 4). */
  wrapModule?: string;
  env?: Record<string, string | undefined>;
  stdio?: "inherit" | "ignore";
  startTimeoutMs?: number;
}

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const NOT_INHERITED = ["OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "NODE_TEST_CONTEXT"];

export function startMcpServer(options: StartMcpOptions = {}): Promise<McpServerProcess> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of NOT_INHERITED) delete env[name];
  Object.assign(env, options.env, options.wrapModule ? { WORKBOOK_MCP_WRAP_MODULE: options.wrapModule } : {});
  const stdio = options.stdio ?? "inherit";
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], { env, stdio: ["ignore", stdio, stdio, "ipc"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`🚨 the MCP tool server did not start within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    const early = (code: number | null) => fail(new Error(`🚨 the MCP tool server exited before it was ready (exit code ${code})`));
    child.once("exit", early);
    child.once("message", (message: { type?: string; url?: string }) => {
      if (message?.type !== "listening" || typeof message.url !== "string") return fail(new Error("🚨 the MCP tool server sent an unexpected first message"));
      clearTimeout(timer);
      child.off("exit", early);
      resolve({ url: message.url, pid: child.pid!, exited, stop: () => stopChild(child) });
    });
  });
}
