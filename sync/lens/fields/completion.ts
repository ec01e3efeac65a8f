import { instantKey } from '../../mapping/content.js';
import { wallClockToInstant } from '../../mapping/time.js';
import { wallClockOf } from './dates.js';
import type { FieldLens } from './field-lens.js';

/**
 * Done or not (COMPLETED, COMPLETED_PERCENT, COMPLETED_DATETIME). A note without a follow-up date
 * is done; with one, it is open until completed — so a note's follow-up date takes part.
 */
export const completionLens: FieldLens = {
  fields: ['completed', 'completed_at', 'follow_up_date'],
  get(post, ctx, out) {
    const completed = post.type === 'note' ? !post.follow_up_date || post.completed : post.completed;
    out.columns.COMPLETED = completed ? 'Y' : 'N';
    out.columns.COMPLETED_PERCENT = completed ? 100 : 0;
    out.columns.COMPLETED_DATETIME = completed ? (wallClockOf(post.completed_at ?? post.updated_at, 'completion time', ctx.timeZone, out.notes) ?? ctx.now) : null;
  },
  put(activity, ctx) {
    const at = activity.completedAt ?? activity.modifiedAt ?? activity.createdAt;
    return { completed: activity.completed, completed_at: activity.completed ? instantKey(wallClockToInstant(at, ctx.timeZone)) : null };
  },
};
