/** Type errors as the CLI shows them (kept apart from typecheck.ts, which loads the whole compiler). */

export interface TypeError {
  /** Repo-relative path, e.g. lessons/01-setup.ts. */
  file: string;
  line: number;
  column: number;
  /** "TS2322: Type 'string' is not assignable to type 'number'." */
  message: string;
}

/** One line per error, the way editors link them: file:line:column message. */
export function formatTypeErrors(errors: readonly TypeError[]): string[] {
  return errors.map((error) => (error.file ? `${error.file}:${error.line}:${error.column}  ${error.message}` : error.message));
}
