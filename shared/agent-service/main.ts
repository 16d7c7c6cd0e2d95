/**
 * The agent service's process: the app (app.ts) with the lesson's agent step.
 * Started by startAgentService() after instrument.ts has run (`--import`).
 *
 * It installs no SIGTERM handler of its own on purpose: flushing on SIGTERM
 * is lesson 13's task 4, and a handler here would hide a missing one. When
 * its parent goes away (the IPC channel closes) it sends itself SIGTERM, so
 * the lesson's handler runs, and exits for good a few seconds later whatever
 * that handler does: no agent process outlives its lesson.
 */
import { pathToFileURL } from "node:url";
import { createAgentApp, listenOn, type AgentStep } from "./app.ts";

const modelUrl = process.env.WORKBOOK_MODEL_URL ?? "";
const lesson = (await import(pathToFileURL(process.env.WORKBOOK_AGENT_MODULE!).href)) as {
  runAgentStep: (question: string, model: string, modelUrl: string) => ReturnType<AgentStep>;
};
const url = await listenOn(createAgentApp((question, model) => lesson.runAgentStep(question, model, modelUrl)));

process.once("disconnect", () => {
  process.kill(process.pid, "SIGTERM");
  setTimeout(() => process.exit(1), 8000);
});
if (process.send) process.send({ type: "listening", url });
else console.log(`agent service listening on ${url} (model server: ${modelUrl || "not set"})`);
