import type { Activity } from '../../db/exo/activities.js';
import { parseCompanyId } from '../../db/exo/company.js';
import { LIMITS } from '../../db/exo/tasks.js';
import type { Post, PostInput, PostPatch, PostType } from '../numerik/types.js';
import { contentHash } from './hash.js';
import { fitText } from './limits.js';
import { firstLine, splitComments, textToHtml } from './text.js';
import { wallClockDate, wallClockToInstant } from './time.js';

/** What the last sync of this activity left behind (X_NUMERIK_POST_LINK). */
export interface LinkState {
  postId: string;
  postType: PostType;
  state: 'active' | 'deleted' | 'exo-deleted';
  exoHash: string | null;
  exoAssignedTo: number | null;
}

/** Everything the decision needs, looked up beforehand: the mapping itself does no I/O. */
export interface OutboundContext {
  timeZone: string;
  link: LinkState | undefined;
  /** Numerik customer of the activity's account, when linked. */
  customerId: string | undefined;
  /** Numerik user of an Exo staff member, when linked. */
  userOf(staffno: number | null): string | undefined;
  /** Numerik tag of an Exo activity type. */
  tagOf(type: number | null): string | undefined;
  excluded: { staff: ReadonlySet<number>; types: ReadonlySet<number>; statuses: ReadonlySet<number> };
}

/** What to write back to the activity, echo-suppressed, once Numerik has the post. */
export interface ExoWrite {
  subject?: string;
  details?: string;
  /** The details before they were cut to fit TASKS.DETAILS; kept in X_NUMERIK_LOG. */
  uncutDetails?: string;
}

export type OutboundPlan =
  /** Not for Numerik, now or later (logged as skipped). */
  | { kind: 'skip'; reason: string; stopLink?: boolean }
  /** Waits for something outside the activity (sent automatically when it appears). */
  | { kind: 'park'; reason: string }
  | { kind: 'create'; input: PostInput; hash: string; idempotencyKey: string; notes: string[]; exoWrite?: ExoWrite }
  | { kind: 'update'; postId: string; patch: PostPatch; hash: string; notes: string[]; exoWrite?: ExoWrite }
  | { kind: 'unchanged'; notes: string[]; exoWrite?: ExoWrite };

export const CUSTOMER_NOT_LINKED = 'customer not linked';

export const externalRef = (seqno: number) => `exo-task:${seqno}`;
/** Deterministic, so a create retried at any time (or by another worker) is the same create. */
export const createKey = (seqno: number) => `exo-numerik-create-${seqno}`;

/**
 * Decides what Numerik should get for an Exo activity (DESIGN.md "Exo → Numerik" 1–8): nothing,
 * later, a new post, or an update of the linked post, and whether Exo's subject is to be rewritten.
 */
export function planOutbound(activity: Activity | undefined, ctx: OutboundContext): OutboundPlan {
  const { link } = ctx;
  if (!activity || activity.deleted) {
    // Deleting in Exo never deletes in Numerik: the post stays, the link stops syncing.
    return link ? { kind: 'skip', reason: 'deleted in Exo; the Numerik post is kept', stopLink: true } : { kind: 'skip', reason: 'deleted in Exo before it was synced' };
  }
  if (link && link.state !== 'active') return { kind: 'skip', reason: `link is ${link.state}` };
  if (activity.eventType) return { kind: 'skip', reason: 'recurring activities are not synced' };
  const owner = activity.assignedTo ?? activity.createdBy;
  if (owner !== null && ctx.excluded.staff.has(owner)) return { kind: 'skip', reason: `staff ${owner} is excluded` };
  if (activity.type !== null && ctx.excluded.types.has(activity.type)) return { kind: 'skip', reason: `activity type ${activity.type} is excluded` };
  if (activity.status !== null && ctx.excluded.statuses.has(activity.status)) return { kind: 'skip', reason: `activity status ${activity.status} is excluded` };
  if (!activity.companyId?.trim()) return { kind: 'skip', reason: 'the activity has no company' };
  if (!parseCompanyId(activity.companyId)) return { kind: 'skip', reason: `company "${activity.companyId}" is not an Exo account reference` };
  if (!ctx.customerId) return { kind: 'park', reason: CUSTOMER_NOT_LINKED };

  const notes: string[] = [];
  const type: PostType = link?.postType ?? (activity.completed ? 'note' : 'task');
  const { above } = splitComments(activity.details);
  const subject = activity.subject?.trim() ?? '';
  // A new post opens with Exo's subject; afterwards the details are the text and the subject follows them.
  const text = link ? above || subject : [subject, above].filter(Boolean).join('\n');
  const instant = (d: Date | null) => (d ? wallClockToInstant(d, ctx.timeZone).toISOString() : null);
  const assignee = type === 'task' ? (ctx.userOf(activity.assignedTo) ?? null) : undefined;
  if (type === 'task' && activity.assignedTo !== null && !assignee) notes.push(`staff ${activity.assignedTo} has no Numerik user: task left unassigned`);
  if (type === 'note' && link && activity.assignedTo !== link.exoAssignedTo) {
    notes.push(`reassigned in Exo to staff ${activity.assignedTo ?? 'nobody'}: not sent, a Numerik note cannot be reassigned`);
  }
  const tag = ctx.tagOf(activity.type);
  const dates =
    type === 'task'
      ? { assignee_id: assignee ?? null, due_at: instant(activity.end) }
      : { follow_up_date: !activity.completed && activity.end ? wallClockDate(activity.end) : null };
  const content = {
    type,
    customer_id: ctx.customerId,
    body_text: text,
    ...dates,
    completed: activity.completed,
    completed_at: activity.completed ? instant(activity.completedAt ?? activity.modifiedAt ?? activity.createdAt) : null,
    tags: tag ? [tag] : [],
  };
  const hash = contentHash(content);

  if (!link) {
    const { type: _type, ...fields } = content;
    const author = ctx.userOf(activity.createdBy) ?? ctx.userOf(activity.assignedTo);
    return {
      kind: 'create',
      input: { type, ...fields, body_html: textToHtml(text), external_ref: externalRef(activity.seqno), ...(author ? { author_id: author } : {}) },
      hash,
      idempotencyKey: createKey(activity.seqno),
      notes,
      exoWrite: detailsStartWithSubject(activity),
    };
  }
  // The subject follows the first line of the details (rule 3), written back only when it differs.
  const subjectLine = above ? firstLine(above) : undefined;
  const exoWrite = subjectLine !== undefined && subjectLine !== (activity.subject ?? '') ? { subject: subjectLine } : undefined;
  if (hash === link.exoHash) return { kind: 'unchanged', notes, exoWrite };
  const { type: _type, ...patch } = content;
  return { kind: 'update', postId: link.postId, patch: { ...patch, body_html: textToHtml(text) }, hash, notes, exoWrite };
}

/**
 * After a create the post opens with the subject. The details get the same first line, so that the
 * next update (which sends the details and derives the subject from them, rule 3) keeps the subject
 * instead of replacing it with the details' first line.
 */
function detailsStartWithSubject(activity: Activity): ExoWrite | undefined {
  const subject = activity.subject?.trim();
  if (!subject) return undefined;
  const { above } = splitComments(activity.details);
  if (firstLine(above) === firstLine(subject)) return undefined;
  const full = activity.details?.trim() ? `${subject}\n${activity.details}` : subject;
  const fitted = fitText(full, LIMITS.DETAILS);
  return fitted.cut ? { details: fitted.text, uncutDetails: full } : { details: full };
}

/** The hash planOutbound would give a post with this content: equal means Numerik already shows it. */
export function postContentHash(post: Post): string {
  return contentHash({
    type: post.type,
    customer_id: post.customer_id,
    body_text: post.body_text,
    ...(post.type === 'task' ? { assignee_id: post.assignee_id, due_at: post.due_at } : { follow_up_date: post.follow_up_date }),
    completed: post.completed,
    completed_at: post.completed ? post.completed_at : null,
    tags: post.tags,
  });
}
