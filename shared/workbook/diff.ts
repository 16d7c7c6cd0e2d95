/**
 * npm run diff -- NN: your lessons/NN-topic.ts against the solution, as a
 * unified diff ("-" your lines, "+" the solution's), coloured at a terminal.
 * The solution is shown without its exercise regions and markers, the way
 * it reads as finished code.
 */
import { existsSync, readFileSync } from "node:fs";
import { createTwoFilesPatch } from "diff";
import { ask, EXIT, interactive, lessonFromArg, missingFileMessage, parseCommand, shown } from "./cli.ts";
import { pristineSource } from "../authoring/pristine.ts";
import { cleanSolution } from "../authoring/derive.ts";
import { isMain } from "./run-main.ts";
import { messages } from "../i18n/messages.ts";

const useColor = !process.env.NO_COLOR && (Boolean(process.env.FORCE_COLOR) || process.stdout.isTTY === true);

export function colorPatch(patch: string): string {
  return patch
    .split("\n")
    .map((line) => {
      if (line.startsWith("+++") || line.startsWith("---")) return `\x1b[1m${line}\x1b[0m`;
      if (line.startsWith("@@")) return `\x1b[36m${line}\x1b[0m`;
      if (line.startsWith("+")) return `\x1b[32m${line}\x1b[0m`;
      if (line.startsWith("-")) return `\x1b[31m${line}\x1b[0m`;
      return line;
    })
    .join("\n");
}

const USAGE = "usage: npm run diff -- NN [--yes]   e.g. npm run diff -- 01   (--yes: show it even for a lesson not started)";

export async function diff(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { yes: { type: "boolean", short: "y" } }, USAGE, { min: 1, max: 1 });
  if (!args) return EXIT.usage;
  const lesson = lessonFromArg(args.positionals[0]!);
  if (!lesson) return EXIT.usage;
  if (!existsSync(lesson.lessonPath)) {
    console.error(missingFileMessage(lesson));
    return EXIT.failed;
  }
  const say = messages();
  const mine = readFileSync(lesson.lessonPath, "utf8");
  // Untouched, the diff is every step of the solution at once: make that a choice, not a surprise.
  if (!args.values.yes && mine === pristineSource(lesson)) {
    const warning = say.notStartedDiff(shown(lesson.lessonPath));
    if (!interactive()) {
      console.error(`🚨 ${warning}\n   ${say.tryFirst(lesson.id)}`);
      return EXIT.failed;
    }
    if (!/^y(es)?$/i.test(await ask(`${warning}${say.showIt}`))) {
      console.log(say.nothingShown(lesson.id));
      return EXIT.ok;
    }
  }
  const solution = cleanSolution(readFileSync(lesson.solutionPath, "utf8"));
  if (mine === solution) {
    console.log(say.exactlySolution(shown(lesson.lessonPath)));
    return EXIT.ok;
  }
  const patch = createTwoFilesPatch(`${shown(lesson.lessonPath)} (${say.yours})`, `${shown(lesson.solutionPath)} (${say.expectedSolution})`, mine, solution, undefined, undefined, { context: 3 });
  // Drop the "Index:/====" banner: the file names below it say the same.
  const body = patch.replace(/^={10,}\n/m, "");
  console.log(useColor ? colorPatch(body) : body);
  // The same convention as verify's failed assertions: "-" yours, "+" expected.
  console.log(say.diffLegend(lesson.id));
  return EXIT.ok;
}

if (isMain(import.meta.url)) process.exit(await diff(process.argv.slice(2)));
