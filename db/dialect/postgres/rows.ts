/** knex's pg and PGlite clients return `{ rows }` from raw queries. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
