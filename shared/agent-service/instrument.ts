/**
 * What `node --import` loads before the agent service's own modules:
 *
 *   node --import tsx --import ./shared/agent-service/instrument.ts shared/agent-service/main.ts
 *
 * In your own service this file would hold the body of lesson 13's
 * startInstrumentation() directly. Here it loads the lesson you are working
 * on (WORKBOOK_AGENT_MODULE, set by startAgentService()) and calls it, so the
 * tests can run your version, the solution, or a derived exercise. Because
 * `--import` runs it to completion first, whatever it registers (the ESM
 * hook, the instrumentations, the global provider) is in place before
 * main.ts imports node:http.
 */
import { pathToFileURL } from "node:url";

const file = process.env.WORKBOOK_AGENT_MODULE;
if (!file) {
  console.error("🚨 WORKBOOK_AGENT_MODULE is not set: start the agent service with startAgentService() (shared/agent-service/spawn.ts)");
  process.exit(1);
}
try {
  const lesson = (await import(pathToFileURL(file).href)) as { startInstrumentation?: () => unknown };
  if (typeof lesson.startInstrumentation !== "function") throw new Error(`${file} exports no startInstrumentation()`);
  lesson.startInstrumentation();
} catch (error) {
  console.error(`🚨 the agent service's instrumentation failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
