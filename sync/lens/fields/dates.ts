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
      out.columns.END_DATETIME = post.due_at ? instantToWallClock(new Date(post.due_at), ctx.timeZone) : null;
      return;
    }
    const day = post.follow_up_date ? dateToWallClock(post.follow_up_date, 0) : null;
    out.columns.START_DATETIME = day;
    out.columns.END_DATETIME = day;
    out.columns.OPTIONS = day ? 2 : 3;
  },
  put(activity, ctx, on) {
    if (on.type === 'task') return { due_at: activity.end ? instantKey(wallClockToInstant(activity.end, ctx.timeZone)) : null };
    return { follow_up_date: !activity.completed && activity.end ? wallClockDate(activity.end) : null };
  },
};
