/**
 * `startModelServer()`: the model server in a child process of its own, on
 * 127.0.0.1 and a free port, and a `stop()` that waits for it to flush its
 * spans and exit (and kills it if it does not).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ModelServerProcess {
  /** e.g. "http://127.0.0.1:40123"; the OpenAI base URL is `${url}/v1`. */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment (OTEL_*, WORKBOOK_MODEL_SERVER_API_KEY, WORKBOOK_MODEL_LATENCY_MS, ...). */
  env?: Record<string, string | undefined>;
  /** Where the child's output goes. Default: inherited. */
  stdio?: "inherit" | "ignore";
  startTimeoutMs?: number;
}

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

/**
 * The caller's service identity is not the model server's: drop it, so an
 * OTEL_SERVICE_NAME set for the agent does not rename this service too.
 */
const NOT_INHERITED = ["OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "NODE_TEST_CONTEXT"];

export function startModelServer(options: StartOptions = {}): Promise<ModelServerProcess> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of NOT_INHERITED) delete env[name];
  Object.assign(env, options.env);
  const stdio = options.stdio ?? "inherit";
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], { env, stdio: ["ignore", stdio, stdio, "ipc"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`🚨 the model server did not start within ${options.startTimeoutMs ?? 15_000} ms`)), options.startTimeoutMs ?? 15_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.once("exit", (code) => fail(new Error(`🚨 the model server exited before it was ready (exit code ${code})`)));
    child.once("message", (message: { type?: string; url?: string }) => {
      if (message?.type !== "listening" || typeof message.url !== "string") return fail(new Error("🚨 the model server sent an unexpected first message"));
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ url: message.url, pid: child.pid!, stop: () => stopChild(child) });
    });
  });
}

/** SIGTERM, wait for the flush and exit, SIGKILL after `graceMs`. Resolves once the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 6000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
