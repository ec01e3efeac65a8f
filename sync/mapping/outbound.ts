import type { Activity } from '../../db/exo/activities.js';
import { parseCompanyId } from '../../db/exo/company.js';
import type { PostLink } from '../../db/plugin/links/posts.js';
import type { PostInput, PostPatch, PostType } from '../numerik/types.js';
import { textPut } from '../lens/activity-text.js';
import { CUSTOMER_NOT_LINKED } from '../lens/fields/customer.js';
import { FIELD_LENSES } from '../lens/fields/index.js';
import { splitDetails } from '../lens/details.js';
import { subjectOf } from '../lens/subject.js';
import { textOfView } from '../lens/view-text.js';
import { withViewLineEndings } from '../lens/line-endings.js';
import { changedFields, hashContent, type Content, type ContentField } from './content.js';
import { carries, type FieldOwnership } from './ownership.js';
import { textToHtml } from './text.js';

/** What the last sync of this activity left behind (X_NUMERIK_POST_LINK). */
export interface LinkState {
  postId: string;
  postType: PostType;
  state: PostLink['state'];
  exoHash: string | null;
  exoAssignedTo: number | null;
  /** Each side's content when the two last agreed (the bases of the three-way merge). */
  exoBase: Content | null;
  numerikBase: Content | null;
  /** Linked to the post its lost create made, the activity not yet rewritten as the post's view: its text opens with its subject, as when it was created. */
  asCreated?: boolean;
}

/** Everything the decision needs, looked up beforehand: the mapping itself does no I/O. */
export interface OutboundContext {
  timeZone: string;
  notesFormat: 'html' | 'text';
  /** The Exo database's code page for VARCHAR text. */
  codePage: string;
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
  /** Fields whose Exo changes are not sent (default: every field's are). */
  fieldOwnership?: FieldOwnership;
}

export type OutboundPlan =
  /** Not for Numerik, now or later (logged as skipped). */
  /** byLink: the link is not active, and its state already says why (on the activity too). */
  | { kind: 'skip'; reason: string; stopLink?: boolean; byLink?: boolean }
  /** Waits for something outside the activity (sent automatically when it appears). */
  | { kind: 'park'; reason: string }
  /** `content` is the post's content as created; the sender adds the external_ref and its key. */
  | { kind: 'create'; input: Omit<PostInput, 'external_ref'>; content: Content; hash: string; notes: string[] }
  | { kind: 'update'; postId: string; patch: PostPatch; content: Content; hash: string; notes: string[] }
  /**
   * Nothing for Numerik. `subject`: the Exo subject to restore (it follows the post's first line);
   * `content`: the activity's content to record when the view changed without a change of the
   * post (a CRLF line break, say).
   */
  | { kind: 'unchanged'; notes: string[]; subject?: string; content?: Content; hash?: string }
  /** Restored in Exo (its link stopped when it was deleted): the post's mark comes off, the link syncs again, then the activity is planned anew. */
  | { kind: 'restore'; postId: string };


/**
 * The activity as Numerik content, in Exo's terms: the put of each field pair (sync/lens/fields).
 * Its `body_text` is the view, which textPut turns into a change of the post's text.
 */
export function activityContent(activity: Activity, ctx: OutboundContext, customerId: string): Content {
  const type: PostType = ctx.link?.postType ?? (activity.completed ? 'note' : 'task');
  return Object.assign({ type }, ...FIELD_LENSES.map((lens) => lens.put(activity, ctx, { type, customerId }))) as Content;
}

/** Why the activity is not for Numerik by the site's exclusions (rule 1), on every path. */
export function exclusionOf(activity: Activity, excluded: OutboundContext['excluded']): string | undefined {
  const owner = activity.assignedTo ?? activity.createdBy;
  if (owner !== null && excluded.staff.has(owner)) return `staff ${owner} is excluded`;
  if (activity.type !== null && excluded.types.has(activity.type)) return `activity type ${activity.type} is excluded`;
  if (activity.status !== null && excluded.statuses.has(activity.status)) return `activity status ${activity.status} is excluded`;
  return undefined;
}

/**
 * Decides what Numerik should get for an Exo activity (DESIGN.md "Exo → Numerik" 1–8): nothing,
 * later, a new post, or the fields Exo changed since both sides last agreed. The post's text gets
 * the Exo user's edit as a change (textPut), never the view in its place.
 */
export function planOutbound(activity: Activity | undefined, ctx: OutboundContext): OutboundPlan {
  const { link } = ctx;
  if (!activity || activity.deleted) {
    // Deleting in Exo never deletes in Numerik: the post stays, the link stops syncing.
    return link ? { kind: 'skip', reason: 'deleted in Exo; the Numerik post is kept', stopLink: true } : { kind: 'skip', reason: 'deleted in Exo before it was synced' };
  }
  if (link?.state === 'exo-deleted') return { kind: 'restore', postId: link.postId };
  if (link && link.state !== 'active') return { kind: 'skip', reason: `link is ${link.state}`, byLink: true };
  if (activity.eventType) return { kind: 'skip', reason: 'recurring activities are not synced' };
  const excluded = exclusionOf(activity, ctx.excluded);
  if (excluded) return { kind: 'skip', reason: excluded };
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

  if (!link) {
    const { type, ...fields } = content;
    // A new post has no line endings of its own: every CR Exo's save put at a line's end is dropped.
    const text = ctx.notesFormat === 'html' ? content.body_text : textOfView(withViewLineEndings(content.body_text, ''), ctx.codePage);
    const { body } = splitDetails(activity.details);
    const html = ctx.notesFormat === 'html' ? textOfView([activity.subject?.trim(), body].filter(Boolean).join('<br>'), ctx.codePage) : textToHtml(text);
    const created = { ...content, body_text: text };
    const author = ctx.userOf(activity.createdBy) ?? ctx.userOf(activity.assignedTo);
    return {
      kind: 'create',
      input: { type, ...fields, body_text: text, body_html: html, ...(author ? { author_id: author } : {}) },
      content: created,
      hash: hashContent(created),
      notes,
    };
  }
  const hash = hashContent(content);
  const numerikBase = link.numerikBase;
  // The subject follows the post's first line (rule 3): an Exo user's edit of it is undone.
  const subject = numerikBase ? subjectOf(numerikBase.body_text, ctx.codePage) : undefined;
  // Not when Numerik's text is not carried to Exo (fieldOwnership): then the subject is Exo's own.
  const restore = subject !== undefined && subject !== (activity.subject ?? '') && carries(ctx.fieldOwnership, 'body_text', 'numerik') ? subject : undefined;
  if (hash === link.exoHash) return { kind: 'unchanged', notes, subject: restore };
  // Only what Exo changed since the two last agreed, of the fields whose Exo changes are carried:
  // Numerik's own edits of other fields stay.
  const changed = link.exoBase ? changedFields(content, link.exoBase) : (Object.keys(content).filter((k) => k !== 'type') as ContentField[]);
  const fields = changed.filter((f) => carries(ctx.fieldOwnership, f, 'exo'));
  const patch: PostPatch = Object.fromEntries(fields.filter((f) => f !== 'body_text').map((f) => [f, content[f]]));
  if (fields.includes('body_text')) {
    // The request is made If-Match the base: Numerik's text is still the base, or it answers 412.
    // Without a base (never expected) the post gets Exo's text.
    const base = numerikBase?.body_text;
    const put =
      base !== undefined && link.exoBase
        ? textPut(content.body_text, link.exoBase.body_text, base, base, 'exo', ctx)
        : { text: ctx.notesFormat === 'html' ? content.body_text : textOfView(content.body_text, ctx.codePage), notes: [] };
    notes.push(...put.notes);
    if (put.text !== base) {
      patch.body_text = put.text;
      patch.body_html = ctx.notesFormat === 'html' && put.text === content.body_text ? textOfView(splitDetails(activity.details).body, ctx.codePage) : textToHtml(put.text);
    }
  }
  if (!Object.keys(patch).length) return { kind: 'unchanged', notes, subject: restore, content, hash };
  return { kind: 'update', postId: link.postId, patch, content, hash, notes };
}
