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
