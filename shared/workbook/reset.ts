/**
 * npm run reset -- NN [--yes]: put lessons/NN-topic.ts back to its starting
 * version (derived from the solution, as shipped). Only that file changes;
 * your previous version is kept in .workbook/backup/ in case you want it back.
 * Asks first at a terminal; elsewhere it needs --yes.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ask, EXIT, interactive, lessonFromArg, shown, stateDir } from "./cli.ts";
import { pristineSource } from "../authoring/pristine.ts";
import { isMain } from "./run-main.ts";

function usage(): number {
  console.error("usage: npm run reset -- NN [--yes]   e.g. npm run reset -- 01");
  return EXIT.usage;
}

export async function reset(argv: string[]): Promise<number> {
  const yes = argv.includes("--yes") || argv.includes("-y");
  const args = argv.filter((arg) => arg !== "--yes" && arg !== "-y");
  if (args.length !== 1 || args[0]!.startsWith("-")) return usage();
  const lesson = lessonFromArg(args[0]!);
  if (!lesson) return EXIT.usage;

  const pristine = pristineSource(lesson);
  const exists = existsSync(lesson.lessonPath);
  if (exists && readFileSync(lesson.lessonPath, "utf8") === pristine) {
    console.log(`${shown(lesson.lessonPath)} is already at its starting version. Nothing to do.`);
    return EXIT.ok;
  }

  if (!yes) {
    if (!interactive()) {
      console.error(`🚨 reset replaces your work in ${shown(lesson.lessonPath)}. Not at a terminal, so not asking: run it again with --yes:\n   npm run reset -- ${lesson.id} --yes`);
      return EXIT.failed;
    }
    const answer = await ask(`Replace ${shown(lesson.lessonPath)} with its starting version? Your edits go to .workbook/backup/. [y/N] `);
    if (!/^y(es)?$/i.test(answer)) {
      console.log("Nothing changed.");
      return EXIT.ok;
    }
  }

  let backup: string | undefined;
  if (exists) {
    const folder = join(stateDir(), "backup");
    mkdirSync(folder, { recursive: true });
    backup = join(folder, `${lesson.slug}.${new Date().toISOString().replace(/[:.]/g, "-")}.ts`);
    copyFileSync(lesson.lessonPath, backup);
  }
  writeFileSync(lesson.lessonPath, pristine);
  console.log(`${shown(lesson.lessonPath)} is back to its starting version.${backup ? ` Your previous file: ${shown(backup)}` : ""}`);
  console.log(`Start again with: npx tsx ${shown(lesson.lessonPath)}   and   npm run verify -- ${lesson.id}`);
  return EXIT.ok;
}

if (isMain(import.meta.url)) process.exit(await reset(process.argv.slice(2)));
