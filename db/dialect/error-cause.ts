/**
 * A database error as a person needs it: the driver's code or number and its message, first, and
 * never the statement (connect takes it off the message of every query's error) or its values.
 */
export function databaseCause(error: unknown): string {
  const e = error as { code?: unknown; number?: unknown; message?: unknown; detail?: unknown };
  const message = (typeof e?.message === 'string' ? e.message : String(error)).trim();
  const id = typeof e?.number === 'number' ? `error ${e.number}` : typeof e?.code === 'string' ? `error ${e.code}` : 'error';
  const detail = typeof e?.detail === 'string' && e.detail ? ` (${e.detail})` : '';
  return `database ${id}: ${message}${detail}`;
}

/** Whether an error came from the database driver (it carries a SQLSTATE or an error number). */
export function isDatabaseError(error: unknown): boolean {
  const e = error as { code?: unknown; number?: unknown; severity?: unknown };
  return typeof e?.number === 'number' || (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && e.severity !== undefined);
}
