/**
 * `startAgentService()`: lesson 13's agent service in a process of its own,
 * instrumented the zero-code way:
 *
 *   node --import tsx --import ./shared/agent-service/instrument.ts shared/agent-service/main.ts
 *
 * `--import tsx` first, so the TypeScript files after it load; then the
 * instrumentation, before any module of the app.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ROOT } from "../testing/load-lesson.ts";
import { stopChild } from "../model-server/spawn.ts";

export interface AgentServiceProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it printed so far (when started with stdio "pipe"), at most 64 kB. */
  output(): string;
  /** SIGTERM only, as an orchestrator (Kubernetes, systemd, docker stop) sends it. */
  terminate(): void;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface AgentServiceOptions {
  /** The lesson module that exports startInstrumentation() and runAgentStep(). */
  module: string;
  /** The model server's base URL, e.g. http://127.0.0.1:40123 */
  modelUrl: string;
  env?: Record<string, string | undefined>;
  stdio?: "inherit" | "pipe" | "ignore";
  startTimeoutMs?: number;
}

const INSTRUMENT = fileURLToPath(new URL("./instrument.ts", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const MAX_OUTPUT = 64 * 1024;

export function startAgentService(options: AgentServiceOptions): Promise<AgentServiceProcess> {
  const env: Record<string, string | undefined> = { ...process.env, NODE_TEST_CONTEXT: undefined, ...options.env };
  env.WORKBOOK_AGENT_MODULE = options.module;
  env.WORKBOOK_MODEL_URL = options.modelUrl;
  const stdio = options.stdio ?? "inherit";
  const child = spawn(process.execPath, ["--import", "tsx", "--import", INSTRUMENT, MAIN], {
    cwd: ROOT,
    env,
    stdio: ["ignore", stdio, stdio, "ipc"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    if (output.length < MAX_OUTPUT) output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`🚨 the agent service ${why}\n${output.trim().slice(-1500)}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    void exited.then(({ code }) => fail(`exited before it was ready (exit code ${code})`));
    child.once("message", (message: { type?: string; url?: string }) => {
      if (message?.type !== "listening" || typeof message.url !== "string") return fail("sent an unexpected first message");
      clearTimeout(timer);
      resolve({
        url: message.url,
        pid: child.pid!,
        exited,
        output: () => output,
        terminate: () => void child.kill("SIGTERM"),
        stop: (graceMs = 6000) => stopChild(child, graceMs),
      });
    });
  });
}
