/**
 * Lessons are derived from solutions, so the two cannot drift apart. A
 * solution marks each taught step with two regions (editors fold them):
 *
 *   // TODO(1): merge your attributes with the SDK's default resource.
 *   // #region TODO(1) solution
 *   return defaultResource().merge(resourceFromAttributes(attributes));
 *   // #endregion
 *   // #region TODO(1) exercise
 *   // return resourceFromAttributes(attributes);
 *   // #endregion
 *
 * The exercise (lessons/NN-topic.ts) keeps every line outside the regions,
 * drops the solution region and un-comments the exercise region. Leaving some
 * tasks solved gives "the solution with only step N undone", which is how
 * `npm test` proves each task's tests catch that step missing.
 */

const MARKER = /^\s*\/\/ #region TODO\((\d+)\) (solution|exercise)\s*$/;
const END = /^\s*\/\/ #endregion\s*$/;

export interface Region {
  task: number;
  kind: "solution" | "exercise";
  /** 0-based line numbers of the #region and #endregion lines. */
  start: number;
  end: number;
}

export class MarkerError extends Error {
  override name = "MarkerError";
}

export function findRegions(source: string, file = "solution"): Region[] {
  const regions: Region[] = [];
  let open: Omit<Region, "end"> | undefined;
  source.split("\n").forEach((line, index) => {
    const marker = MARKER.exec(line);
    if (marker) {
      if (open) throw new MarkerError(`${file}:${index + 1}: region opened inside TODO(${open.task}) ${open.kind} (line ${open.start + 1}).`);
      open = { task: Number(marker[1]), kind: marker[2] as Region["kind"], start: index };
    } else if (END.test(line)) {
      if (!open) throw new MarkerError(`${file}:${index + 1}: #endregion without a TODO region.`);
      regions.push({ ...open, end: index });
      open = undefined;
    } else if (/#(end)?region\b/.test(line) && /TODO/.test(line)) {
      throw new MarkerError(`${file}:${index + 1}: malformed marker; write "// #region TODO(n) solution" or "... exercise".`);
    }
  });
  if (open) throw new MarkerError(`${file}:${open.start + 1}: TODO(${open.task}) ${open.kind} region is never closed.`);
  return regions;
}

/** The task numbers a solution teaches, in order. */
export function tasksIn(source: string): number[] {
  return [...new Set(findRegions(source).map((region) => region.task))].sort((a, b) => a - b);
}

/** Un-comment one line of an exercise region: `  // code` → `  code`. */
function uncomment(line: string): string {
  return line.replace(/^(\s*)\/\/ ?/, "$1");
}

/**
 * The exercise for `unsolved` tasks ("all" for the lesson as shipped); every
 * other task keeps its solution. Marker lines are always removed.
 */
export function deriveExercise(source: string, unsolved: "all" | readonly number[] = "all"): string {
  const isUnsolved = (task: number) => unsolved === "all" || unsolved.includes(task);
  const lines = source.split("\n");
  const keep: string[] = [];
  const regions = findRegions(source);
  let index = 0;
  for (const region of regions) {
    keep.push(...lines.slice(index, region.start));
    const body = lines.slice(region.start + 1, region.end);
    if (region.kind === "solution" && !isUnsolved(region.task)) keep.push(...body);
    if (region.kind === "exercise" && isUnsolved(region.task)) keep.push(...body.map(uncomment));
    index = region.end + 1;
  }
  keep.push(...lines.slice(index));
  return keep.join("\n");
}

/** The solution as a reader wants it: no exercise regions, no markers. */
export function cleanSolution(source: string): string {
  return deriveExercise(source, []);
}
