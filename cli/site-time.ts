import { InvalidArgumentError } from 'commander';
import { SITE_TIME_FORMAT, siteTimeOf } from '../sync/site-time.js';

/** A date or date-time of the Exo site (wall clock), as Exo stores it: 2026-01-01 or 2026-01-01T08:00. */
export function parseSiteTime(text: string): Date {
  const date = siteTimeOf(text);
  if (!date) throw new InvalidArgumentError(`"${text}" is not a date: use ${SITE_TIME_FORMAT}`);
  return date;
}
