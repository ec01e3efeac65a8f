import { DateTime } from 'luxon';

/**
 * Exo's DATETIMEs are wall-clock times of the Exo site without offset; in this code they travel as
 * Dates whose UTC fields are the wall-clock fields (see db/connect.ts). These convert them to and
 * from real instants in the site's IANA zone, through DST changes.
 */
export function wallClockToInstant(wallClock: Date, zone: string): Date {
  const local = DateTime.fromObject(
    {
      year: wallClock.getUTCFullYear(),
      month: wallClock.getUTCMonth() + 1,
      day: wallClock.getUTCDate(),
      hour: wallClock.getUTCHours(),
      minute: wallClock.getUTCMinutes(),
      second: wallClock.getUTCSeconds(),
      millisecond: wallClock.getUTCMilliseconds(),
    },
    { zone },
  );
  // A wall-clock time inside a spring-forward gap does not exist; luxon moves it forward by the gap,
  // which is what a clock on the wall would have shown. An ambiguous autumn time takes the earlier offset.
  return local.toJSDate();
}

export function instantToWallClock(instant: Date, zone: string): Date {
  const local = DateTime.fromJSDate(instant, { zone });
  return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond));
}

/** `YYYY-MM-DD` of a wall-clock value (a date without time, as Numerik's follow_up_date). */
export function wallClockDate(wallClock: Date): string {
  return wallClock.toISOString().slice(0, 10);
}

/** A Numerik `YYYY-MM-DD` as a wall-clock value at `hour` on that day. */
export function dateToWallClock(date: string, hour = 9): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d, hour));
}
