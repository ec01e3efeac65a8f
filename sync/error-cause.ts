import type { Dialect } from '../db/dialect/dialect.js';
import { databaseCause, isDatabaseError } from '../db/dialect/error-cause.js';
import { NumerikError, NumerikWaitError, PreconditionFailedError } from './numerik/errors.js';

/**
 * The reason an item failed, cause first: the database's error number and message, or Numerik's
 * status and message, never a SQL statement. Bounded, since X_NUMERIK_LOG.REASON is.
 */
export function causeOf(error: unknown): string {
  const text = isDatabaseError(error) ? databaseCause(error) : error instanceof Error ? error.message : String(error);
  return text.length > 390 ? `${text.slice(0, 389)}…` : text;
}

/**
 * What a failed attempt means: a dead letter at once when trying again can never work (Numerik
 * refused the request; the database refused the data), else another try later. Numerik asking for
 * a long wait is no failure of the item: it waits that long, uncounted.
 */
export function failureOf(
  error: unknown,
  dialect: Pick<Dialect, 'permanentError'>,
): { kind: 'dead'; error: string } | { kind: 'retry'; error: string; retryAfterMs?: number; uncounted?: boolean } {
  if (error instanceof NumerikWaitError) return { kind: 'retry', error: causeOf(error), retryAfterMs: error.retryAfterMs, uncounted: true };
  if (error instanceof NumerikError && !error.transient && !(error instanceof PreconditionFailedError)) return { kind: 'dead', error: causeOf(error) };
  const refused = dialect.permanentError(error);
  if (refused) return { kind: 'dead', error: refused };
  // Transient Numerik failures, a post that moved on twice, database hiccups: later.
  return { kind: 'retry', error: causeOf(error), retryAfterMs: error instanceof NumerikError ? error.retryAfterMs : undefined };
}
