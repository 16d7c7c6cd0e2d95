/**
 * A time limit for work that may never finish (a tool that hangs): the
 * promise settles after `ms` at the latest, and the work gets an AbortSignal
 * so it can stop too (the MCP client sends notifications/cancelled on it).
 */
export class TimeLimitError extends Error {
  override name = "TimeLimitError";
  /** error.type: the conventions' own example value for this case. */
  readonly code = "timeout";
  constructor(ms: number) {
    super(`gave no answer within ${ms} ms`);
  }
}

export function withTimeLimit<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeLimitError(ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  return Promise.race([work(controller.signal), limit]).finally(() => clearTimeout(timer));
}
