import { instantKey } from '../../mapping/content.js';
import { dateToWallClock, instantToWallClock, wallClockDate, wallClockToInstant } from '../../mapping/time.js';
import type { FieldLens } from './field-lens.js';

/**
 * A task's due time ⇄ END_DATETIME (an instant ⇄ the site's wall clock, through DST); a note's
 * follow-up date ⇄ an all-day activity on that day (START/END_DATETIME, OPTIONS 2).
 */
export const datesLens: FieldLens = {
  fields: ['due_at', 'follow_up_date'],
  get(post, ctx, out) {
    if (post.type === 'task') {
      out.columns.END_DATETIME = wallClockOf(post.due_at, 'due time', ctx.timeZone, out.notes);
      return;
    }
    const day = dayOf(post.follow_up_date, out.notes);
    out.columns.START_DATETIME = day;
    out.columns.END_DATETIME = day;
    out.columns.OPTIONS = day ? 2 : 3;
  },
  put(activity, ctx, on) {
    if (on.type === 'task') return { due_at: activity.end ? instantKey(wallClockToInstant(activity.end, ctx.timeZone)) : null };
    return { follow_up_date: !activity.completed && activity.end ? wallClockDate(activity.end) : null };
  },
};

/** A Numerik instant as the site's wall clock; one that is no instant is left empty, and said. */
export function wallClockOf(iso: string | null, what: string, zone: string, notes: string[]): Date | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (!Number.isNaN(ms)) return instantToWallClock(new Date(ms), zone);
  notes.push(`Numerik's ${what} ${JSON.stringify(iso.slice(0, 40))} is not a date and time: left empty`);
  return null;
}

function dayOf(date: string | null, notes: string[]): Date | null {
  if (!date) return null;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? dateToWallClock(date, 0) : new Date(NaN);
  if (!Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === date) return day;
  notes.push(`Numerik's follow-up date ${JSON.stringify(date.slice(0, 40))} is not a date: left empty`);
  return null;
}
