/**
 * Type-checks files with the TypeScript compiler's API, using the workbook's
 * tsconfig.json. tsx runs a lesson without checking types, so this is how a
 * learner hears about a type error (`npm run verify`), and how `npm test`
 * checks the lessons as shipped whatever the learner has done to them
 * (`sources` replaces a file's text without touching the disk).
 */
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { ROOT } from "../paths.ts";
import { isMain } from "./run-main.ts";
import type { TypeError } from "./typecheck-format.ts";

export type { TypeError } from "./typecheck-format.ts";

export interface TypecheckOptions {
  /** Check these files (and what they import); default: everything tsconfig.json includes. */
  files?: string[];
  /** Report errors only in these files; default: every file of the program. */
  reportOnly?: string[];
  /** Absolute path → the text to check instead of what is on disk. */
  sources?: ReadonlyMap<string, string>;
  root?: string;
}

function compilerConfig(root: string): ts.ParsedCommandLine {
  const configPath = join(root, "tsconfig.json");
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(`🚨 ${relative(root, configPath)}: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
}

export function typecheck(options: TypecheckOptions = {}): TypeError[] {
  const root = options.root ?? ROOT;
  const config = compilerConfig(root);
  const sources = new Map([...(options.sources ?? new Map<string, string>())].map(([path, text]) => [resolve(path), text]));
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (path) => sources.get(resolve(path)) ?? readFile(path);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (path) => sources.has(resolve(path)) || fileExists(path);
  const files = options.files?.map((file) => resolve(root, file)) ?? config.fileNames;
  const program = ts.createProgram({ rootNames: files, options: config.options, host });

  const wanted = options.reportOnly?.map((file) => resolve(root, file));
  const diagnostics = wanted
    ? wanted.flatMap((file) => {
        const source = program.getSourceFile(file);
        return source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : [];
      })
    : [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()];

  return diagnostics
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
    .map((diagnostic) => {
      const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
      if (!diagnostic.file || diagnostic.start === undefined) return { file: "", line: 0, column: 0, message };
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      return { file: relative(root, diagnostic.file.fileName), line: line + 1, column: character + 1, message };
    });
}

// As a child of the CLI (see lesson-types.ts): `typecheck.ts FILE` prints FILE's errors as JSON.
if (isMain(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: tsx shared/workbook/typecheck.ts FILE");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(typecheck({ files: [file], reportOnly: [file] }))}\n`);
}
