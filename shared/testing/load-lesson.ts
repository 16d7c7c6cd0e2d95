/**
 * One test file serves both the learner's exercise and the solution: the test
 * imports the module through `loadLesson()`, which picks the folder from
 * WORKBOOK_TARGET (set by `npm run verify` and `npm test`):
 *   lessons (default) | solutions | .pristine — or WORKBOOK_LESSON_FILE, an exact file.
 */
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ROOT } from "../paths.ts";

// Lesson tests import ROOT from the test kit: keep that path working.
export { ROOT };

/** The file a test for `testFileUrl` (lessons/NN-topic.test.ts) should load. */
export function lessonModulePath(testFileUrl: string, env = process.env): string {
  if (env.WORKBOOK_LESSON_FILE) return resolve(ROOT, env.WORKBOOK_LESSON_FILE);
  const file = basename(fileURLToPath(testFileUrl)).replace(/\.test\.ts$/, ".ts");
  return join(ROOT, env.WORKBOOK_TARGET ?? "lessons", file);
}

export async function loadLesson<Module>(testFileUrl: string): Promise<Module> {
  const path = lessonModulePath(testFileUrl);
  try {
    return (await import(pathToFileURL(path).href)) as Module;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `🚨 ${path.slice(ROOT.length + 1)} could not be loaded: ${reason}\n` +
        "   Does it compile? Run it with `npx tsx` to see the error with its line number.",
      { cause: error },
    );
  }
}
