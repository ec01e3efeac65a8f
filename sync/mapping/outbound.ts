import type { Activity } from '../../db/exo/activities.js';
import { parseCompanyId } from '../../db/exo/company.js';
import { LIMITS } from '../../db/exo/tasks.js';
import type { PostInput, PostPatch, PostType } from '../numerik/types.js';
import { changedFields, hashContent, instantKey, normaliseTags, type Content, type ContentField } from './content.js';
import { fitText } from './limits.js';
import { firstLine, htmlToText, splitComments, textToHtml } from './text.js';
import { wallClockDate, wallClockToInstant } from './time.js';

/** What the last sync of this activity left behind (X_NUMERIK_POST_LINK). */
export interface LinkState {
  postId: string;
  postType: PostType;
  state: 'active' | 'deleted' | 'exo-deleted';
  exoHash: string | null;
  exoAssignedTo: number | null;
  /** Each side's content when the two last agreed (the bases of the three-way merge). */
  exoBase: Content | null;
  numerikBase: Content | null;
}

/** Everything the decision needs, looked up beforehand: the mapping itself does no I/O. */
export interface OutboundContext {
  timeZone: string;
  notesFormat: 'html' | 'text';
  link: LinkState | undefined;
  /** Numerik customer of the activity's account, when linked. */
  customerId: string | undefined;
  /** Numerik user of an Exo staff member, when linked. */
  userOf(staffno: number | null): string | undefined;
  /** Numerik tag of an Exo activity type. */
  tagOf(type: number | null): string | undefined;
  /** Every tag that stands for an Exo activity type (lower case): the activity owns only those. */
  typeTags: ReadonlySet<string>;
  excluded: { staff: ReadonlySet<number>; types: ReadonlySet<number>; statuses: ReadonlySet<number> };
}

/** What to write back to the activity once Numerik has the post. */
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
  | { kind: 'create'; input: PostInput; content: Content; hash: string; idempotencyKey: string; notes: string[]; exoWrite?: ExoWrite }
  | { kind: 'update'; postId: string; patch: PostPatch; content: Content; hash: string; notes: string[]; exoWrite?: ExoWrite }
  | { kind: 'unchanged'; notes: string[]; exoWrite?: ExoWrite };

export const CUSTOMER_NOT_LINKED = 'customer not linked';

export const externalRef = (seqno: number) => `exo-task:${seqno}`;
/** Deterministic, so a create retried at any time (or by another worker) is the same create. */
export const createKey = (seqno: number) => `exo-numerik-create-${seqno}`;

/** The activity's text in Numerik's terms, and its HTML, whichever `notesFormat` Exo keeps. */
function bodies(text: string, notesFormat: OutboundContext['notesFormat']): { body_text: string; body_html: string } {
  return notesFormat === 'html' ? { body_text: htmlToText(text), body_html: text } : { body_text: text, body_html: textToHtml(text) };
}

/**
 * The activity as Numerik content. A linked activity's text is its details (rule 3); a new one opens
 * with its subject. The activity owns the tag of its type; Numerik's other tags are kept.
 */
export function activityContent(activity: Activity, ctx: OutboundContext, customerId: string): Content {
  const type: PostType = ctx.link?.postType ?? (activity.completed ? 'note' : 'task');
  const { above } = splitComments(activity.details);
  const subject = activity.subject?.trim() ?? '';
  const text = ctx.link ? above || subject : [subject, above].filter(Boolean).join('\n');
  const instant = (d: Date | null) => (d ? instantKey(wallClockToInstant(d, ctx.timeZone)) : null);
  const tag = ctx.tagOf(activity.type);
  const numerikTags = (ctx.link?.numerikBase?.tags ?? []).filter((t) => !ctx.typeTags.has(t.toLowerCase()));
  return {
    type,
    customer_id: customerId,
    body_text: bodies(text, ctx.notesFormat).body_text,
    ...(type === 'task'
      ? { assignee_id: ctx.userOf(activity.assignedTo) ?? null, due_at: instant(activity.end) }
      : { follow_up_date: !activity.completed && activity.end ? wallClockDate(activity.end) : null }),
    completed: activity.completed,
    completed_at: activity.completed ? instant(activity.completedAt ?? activity.modifiedAt ?? activity.createdAt) : null,
    tags: normaliseTags(tag ? [tag, ...numerikTags] : numerikTags),
  };
}

/**
 * Decides what Numerik should get for an Exo activity (DESIGN.md "Exo → Numerik" 1–8): nothing,
 * later, a new post, or the fields Exo changed since both sides last agreed.
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

  const content = activityContent(activity, ctx, ctx.customerId);
  const notes: string[] = [];
  if (content.type === 'task' && activity.assignedTo !== null && !content.assignee_id) {
    notes.push(`staff ${activity.assignedTo} has no Numerik user: task left unassigned`);
  }
  if (content.type === 'note' && link && activity.assignedTo !== link.exoAssignedTo) {
    notes.push(`reassigned in Exo to staff ${activity.assignedTo ?? 'nobody'}: not sent, a Numerik note cannot be reassigned`);
  }
  const hash = hashContent(content);
  const { above } = splitComments(activity.details);

  if (!link) {
    const { type, ...fields } = content;
    const author = ctx.userOf(activity.createdBy) ?? ctx.userOf(activity.assignedTo);
    const openingHtml = ctx.notesFormat === 'html' ? [activity.subject?.trim(), above].filter(Boolean).join('<br>') : textToHtml(content.body_text);
    return {
      kind: 'create',
      input: { type, ...fields, body_html: openingHtml, external_ref: externalRef(activity.seqno), ...(author ? { author_id: author } : {}) },
      content,
      hash,
      idempotencyKey: createKey(activity.seqno),
      notes,
      exoWrite: detailsStartWithSubject(activity),
    };
  }
  // The subject follows the first line of the details (rule 3), written back only when it differs.
  const subjectLine = above ? firstLine(ctx.notesFormat === 'html' ? htmlToText(above) : above) : undefined;
  const exoWrite = subjectLine !== undefined && subjectLine !== (activity.subject ?? '') ? { subject: subjectLine } : undefined;
  if (hash === link.exoHash) return { kind: 'unchanged', notes, exoWrite };
  // Only what Exo changed since the two last agreed: Numerik's own edits of other fields stay.
  const fields = link.exoBase ? changedFields(content, link.exoBase) : (Object.keys(content).filter((k) => k !== 'type') as ContentField[]);
  const patch: PostPatch = Object.fromEntries(fields.map((f) => [f, content[f]]));
  if (fields.includes('body_text')) patch.body_html = ctx.notesFormat === 'html' ? above || textToHtml(content.body_text) : textToHtml(content.body_text);
  return { kind: 'update', postId: link.postId, patch, content, hash, notes, exoWrite };
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
