/** How a date or date-time of the Exo site is written, for whoever typed one that is not. */
export const SITE_TIME_FORMAT = "YYYY-MM-DD or YYYY-MM-DDTHH:MM (the Exo site's local time)";

/**
 * A date or date-time of the Exo site (wall clock), as Exo stores it: 2026-01-01 or
 * 2026-01-01T08:00, as a Date whose UTC fields are the wall-clock fields (see db/connect.ts).
 * Undefined for anything else, a day or an hour that does not exist (2026-13-45, 25:00) included:
 * never a date rolled over into another one.
 */
export function siteTimeOf(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return undefined;
  const fields = m.slice(1).map((f) => Number(f ?? 0)) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const read = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  return read.every((v, i) => v === fields[i]) ? date : undefined;
}
