/**
 * The one retry policy of the sync: exponential backoff with full jitter (a random wait between 0
 * and base·2^(attempt−1), capped), and a server's Retry-After when it gives one. Used between HTTP
 * attempts and between attempts of a queued item.
 */
export interface Backoff {
  baseMs: number;
  capMs: number;
}

export const HTTP_BACKOFF: Backoff = { baseMs: 200, capMs: 10_000 };
export const QUEUE_BACKOFF: Backoff = { baseMs: 2_000, capMs: 10 * 60_000 };

export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | null | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
