/**
 * `runMain(import.meta.url, main)`: run a lesson's main() only when the file
 * is executed (`npx tsx lessons/01-setup.ts`), not when a test imports it.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(entry);
  } catch {
    return false;
  }
}

export function runMain(moduleUrl: string, main: () => Promise<void> | void): void {
  if (!isMain(moduleUrl)) return;
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      // A readable line, not a stack: the stack is there with DEBUG=1.
      const message = error instanceof Error ? error.message : String(error);
      console.error(`\n${message}`);
      if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
      process.exitCode = 1;
    });
}
