/**
 * What the drivers quote of the data itself, each with what stays of it: a value may be an
 * activity's text. SQL Server's truncated value (2628), duplicate key value (2627, 2601) and
 * unconvertible value (245); PostgreSQL's unreadable input (22P02) and, in its detail, a refused
 * row (23502, 23514) or key (23505, 23503).
 */
const QUOTED_DATA: [RegExp, string][] = [
  [/\s*Truncated value: '[\s\S]*$/, ''],
  [/\s*The duplicate key value is \([\s\S]*$/, ''],
  [/( the \w+ value) '[\s\S]*' (to data type)/, '$1 $2'],
  [/^(invalid input syntax for type [\w ]+): [\s\S]*$/, '$1'],
  [/^Failing row contains [\s\S]*$/, ''],
  [/^(Key \(.*?\))=\([\s\S]*\) ((already exists|is not present in table|is still referenced from table)[^()]*)$/, '$1 $2'],
];

export const withoutData = (text: string): string => QUOTED_DATA.reduce((t, [pattern, kept]) => t.replace(pattern, kept), text).trim();

/**
 * A database error as a person needs it: the driver's code or number and its message, first, and
 * never the statement (connect takes it off the message of every query's error) nor the data the
 * driver quotes.
 */
export function databaseCause(error: unknown): string {
  const e = error as { code?: unknown; number?: unknown; message?: unknown; detail?: unknown };
  const message = withoutData(typeof e?.message === 'string' ? e.message : String(error));
  const id = typeof e?.number === 'number' ? `error ${e.number}` : typeof e?.code === 'string' ? `error ${e.code}` : 'error';
  const detail = typeof e?.detail === 'string' ? withoutData(e.detail) : '';
  return `database ${id}: ${message}${detail ? ` (${detail})` : ''}`;
}

/** Whether an error came from the database driver (it carries a SQLSTATE or an error number). */
export function isDatabaseError(error: unknown): boolean {
  const e = error as { code?: unknown; number?: unknown; severity?: unknown };
  return typeof e?.number === 'number' || (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && e.severity !== undefined);
}
