import { InvalidArgumentError } from 'commander';

/** A date or date-time of the Exo site (wall clock), as Exo stores it: 2026-01-01 or 2026-01-01T08:00. */
export function parseSiteTime(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  const date = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)));
  if (!date || Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(m![3])) throw new InvalidArgumentError(`"${text}" is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (the Exo site's local time)`);
  return date;
}
