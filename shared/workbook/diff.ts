/**
 * npm run diff -- NN: your lessons/NN-topic.ts against the solution, as a
 * unified diff ("-" your lines, "+" the solution's), coloured at a terminal.
 * The solution is shown without its exercise regions and markers, the way
 * it reads as finished code.
 */
import { existsSync, readFileSync } from "node:fs";
import { createTwoFilesPatch } from "diff";
import { EXIT, lessonFromArg, missingFileMessage, shown } from "./cli.ts";
import { cleanSolution } from "../authoring/derive.ts";
import { isMain } from "./run-main.ts";

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

export async function diff(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0]!.startsWith("-")) {
    console.error("usage: npm run diff -- NN   e.g. npm run diff -- 01");
    return EXIT.usage;
  }
  const lesson = lessonFromArg(argv[0]!);
  if (!lesson) return EXIT.usage;
  if (!existsSync(lesson.lessonPath)) {
    console.error(missingFileMessage(lesson));
    return EXIT.failed;
  }
  const mine = readFileSync(lesson.lessonPath, "utf8");
  const solution = cleanSolution(readFileSync(lesson.solutionPath, "utf8"));
  if (mine === solution) {
    console.log(`${shown(lesson.lessonPath)} is exactly the solution.`);
    return EXIT.ok;
  }
  const patch = createTwoFilesPatch(shown(lesson.lessonPath), `${shown(lesson.solutionPath)} (solution)`, mine, solution, "yours", "solution", { context: 3 });
  // Drop the "Index:/====" banner: the file names below it say the same.
  const body = patch.replace(/^={10,}\n/m, "");
  console.log(useColor ? colorPatch(body) : body);
  console.log(`"-" lines are yours, "+" lines are the solution's. Tests: npm run verify -- ${lesson.id}`);
  return EXIT.ok;
}

if (isMain(import.meta.url)) process.exit(await diff(process.argv.slice(2)));
