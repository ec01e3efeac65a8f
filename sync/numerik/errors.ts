/** A Numerik call that failed. `transient` says whether trying again later can help. */
export class NumerikError extends Error {
  override name = 'NumerikError';
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** PATCH with If-Match found the post at another version: someone changed it meanwhile. */
export class PreconditionFailedError extends NumerikError {
  override name = 'PreconditionFailedError';
  constructor(postId: string) {
    super(`post ${postId} changed in Numerik since it was read (412)`, false, 412);
  }
}

/** 408, 409, 429 and 5xx can pass; other 4xx are permanent (the request itself is wrong). */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 409 || status === 429;
}

/**
 * Numerik asks for a longer wait than this caller may take (NumerikClientOptions.maxWaitMs): no
 * call was made, nothing slept. `until` is when Numerik will take calls again; the caller stops
 * (a command, with this line) or hands its work back until then (a worker).
 */
export class NumerikWaitError extends NumerikError {
  override name = 'NumerikWaitError';
  constructor(
    readonly until: Date,
    readonly limitMs: number,
    status: number,
    call: string,
  ) {
    const seconds = Math.ceil((until.getTime() - Date.now()) / 1000);
    super(
      `Numerik asks to wait ${seconds} s (${status}), longer than the ${Math.round(limitMs / 1000)} s exo-numerik waits at a time: try again after ${until.toISOString().slice(11, 19)} UTC (${call})`,
      true,
      status,
      Math.max(0, until.getTime() - Date.now()),
    );
  }
}

/**
 * Numerik answered a change without making it: a 4xx (412 among them), a 503 or 429 (it took no
 * request), or no call was made. A lost connection, or another 5xx, may come after the change was
 * made: a send that ends so may have landed.
 */
export function notMade(error: unknown): boolean {
  if (error instanceof NumerikWaitError) return true;
  return error instanceof NumerikError && error.status !== undefined && (error.status < 500 || error.status === 503);
}
