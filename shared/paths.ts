/**
 * Where things are. Every module that needs the repository root imports it
 * from here (shared/testing/load-lesson.ts re-exports it for lesson tests).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The workbook's root folder (the one holding package.json). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Derived exercises and mutants, one folder below ROOT like lessons/, so their `../shared/` imports resolve. Gitignored. */
export const PRISTINE_DIR = join(ROOT, ".pristine");
/** The learner CLI's local state (progress cache, hints seen, backups). Gitignored. */
export const STATE_DIR = join(ROOT, ".workbook");
