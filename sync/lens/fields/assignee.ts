import { staffFor, type FieldLens } from './field-lens.js';

/**
 * Who the activity is for (ASSIGNED_TO): a task's assignee; a note belongs to its author, who is
 * the activity's staff member (a note cannot be reassigned, so Exo's reassignment is not sent).
 */
export const assigneeLens: FieldLens = {
  fields: ['assignee_id'],
  get(post, ctx, out) {
    if (post.type === 'task') out.columns.ASSIGNED_TO = staffFor(post.assignee_id, 'assignee', ctx, out.notes);
    else out.columns.ASSIGNED_TO = staffFor(post.author_id, 'author', ctx, out.notes);
  },
  put: (activity, ctx, on) => (on.type === 'task' ? { assignee_id: ctx.userOf(activity.assignedTo) ?? null } : {}),
};
