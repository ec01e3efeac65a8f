import { DateTime } from 'luxon';
import type { Activity } from '../../db/exo/activities.js';
import type { AccountRef } from '../../db/exo/company.js';
import { ACTIVITY_TYPE, LIMITS, TASK_INSERT_DEFAULTS } from '../../db/exo/tasks.js';
import type { Post } from '../numerik/types.js';
import type { ContentField } from './content.js';
import { carries, type FieldOwnership } from './ownership.js';
import type { GetOut } from '../lens/fields/field-lens.js';
import { staffFor } from '../lens/fields/field-lens.js';
import { FIELD_LENSES } from '../lens/fields/index.js';
import { wallClockOf } from '../lens/fields/dates.js';
import { fitSubject } from '../lens/subject.js';
import { fitView, savedCount } from '../lens/view-text.js';
import { CUT_MARKER } from '../lens/control-lines.js';

/** Lookups the inbound mapping needs, resolved beforehand. */
export interface InboundContext {
  timeZone: string;
  notesFormat: 'html' | 'text';
  /** The Exo database's code page for VARCHAR text (windows-1252 for Latin1 collations). */
  codePage: string;
  accountOf(customerId: string): AccountRef | undefined;
  staffOf(userId: string | null): number | undefined;
  userName(userId: string): string;
  /** The activity type of the first tag that maps to one. */
  typeOfTags(tags: readonly string[]): number | undefined;
  defaultStaff: number | null;
  defaultType: number | null;
  /** The Exo site's wall-clock now. */
  now: Date;
  /** Fields whose Numerik changes are not carried to an existing activity (default: every field is). */
  fieldOwnership?: FieldOwnership;
}

export interface ExoChange {
  /** TASKS columns and their new values. */
  columns: Record<string, unknown>;
  notes: string[];
  /** Text that did not fit DETAILS, kept whole in X_NUMERIK_LOG. */
  cuts: { column: 'DETAILS'; full: string }[];
}

/**
 * Who made the post's latest change: Numerik's `updated_by`; where it gives none, the author of a
 * newer comment, else the post's author.
 */
export function actorOf(post: Post): string {
  if (post.updated_by) return post.updated_by;
  const latest = [...post.comments].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1))[0];
  return latest && latest.updated_at >= post.updated_at ? latest.author_id : post.author_id;
}

/**
 * The TASKS columns for the content `fields` that came from Numerik (DESIGN.md "Numerik → Exo"
 * 1–7, 10): the get of each field pair (sync/lens/fields) whose fields changed, and the text's
 * always. `current` is the activity as it is now (undefined for a new one, which is made whole).
 * Of an existing activity, fields whose Numerik changes are not carried (fieldOwnership) are left
 * as they are, the text's too. Never touches OUTLOOKENTRYID or the recurrence columns; stamps
 * MODIFIEDDATE (Exo's Outlook sync trusts it).
 */
export function exoColumnsFor(fields: readonly ContentField[], post: Post, current: Activity | undefined, ctx: InboundContext): ExoChange | { park: string } {
  const out: GetOut = { columns: {}, notes: [], cuts: [], current };
  const carried = (f: ContentField) => !current || carries(ctx.fieldOwnership, f, 'numerik');
  for (const lens of FIELD_LENSES) {
    if (lens.always ? lens.fields.every(carried) : lens.fields.some((f) => fields.includes(f) && carried(f))) lens.get(post, ctx, out);
    if (out.park) return { park: out.park };
  }
  const change: ExoChange = { columns: out.columns, notes: out.notes, cuts: out.cuts };
  if (!Object.keys(change.columns).length) return change;
  change.columns.MODIFIEDDATE = ctx.now;
  // The staff member of the Numerik user who made the change; without one, the default staff member.
  change.columns.MODIFIEDBY = staffFor(actorOf(post), 'who changed it', ctx, change.notes) ?? ctx.defaultStaff;
  return change;
}

const ALL_FIELDS: ContentField[] = ['customer_id', 'body_text', 'assignee_id', 'due_at', 'follow_up_date', 'completed', 'completed_at', 'tags'];

/** A whole new TASKS row for a post made in Numerik, every NOT NULL column set. */
export function newActivityRow(post: Post, ctx: InboundContext): ExoChange | { park: string } {
  const change = exoColumnsFor(ALL_FIELDS, post, undefined, ctx);
  if ('park' in change) return change;
  const author = staffFor(post.author_id, 'author', ctx, change.notes);
  change.columns = {
    ...change.columns,
    ASSIGNED_BY: author,
    CREATEDBY: author,
    CREATEDATE: wallClockOf(post.created_at, 'creation time', ctx.timeZone, change.notes) ?? ctx.now,
    ACTIVITY_TYPE: ACTIVITY_TYPE.task,
    EVENTTYPE: 0,
    OPTIONS: change.columns.OPTIONS ?? 3,
    PRIORITY: 'Normal',
    ...TASK_INSERT_DEFAULTS,
  };
  return change;
}

export const DELETED_PREFIX = 'Deleted: ';

/**
 * A deleted post never deletes its activity (rule 9): the subject is marked, and an audit block
 * (who, when, the post's last text) is appended to the details.
 */
export function deletedChange(activity: Activity, post: { text: string; deletedAt: string; deletedBy: string | null }, ctx: InboundContext): ExoChange {
  const change: ExoChange = { columns: {}, notes: [], cuts: [] };
  const subject = activity.subject ?? '';
  const at = DateTime.fromISO(post.deletedAt, { zone: ctx.timeZone }).toFormat('d LLL yyyy HH:mm');
  const who = post.deletedBy ? ctx.userName(post.deletedBy) : 'a Numerik user';
  change.columns.SUBJECT = subject.startsWith(DELETED_PREFIX) ? subject : fitSubject(DELETED_PREFIX + subject);
  // The details are Exo's text already; the post's last text is shown as far as it fits.
  const head = `${activity.details ?? ''}\n\n[Deleted in Numerik on ${at} by ${who}. The post's text was:]\n`;
  // Line breaks counted as two, as fitView counts them: Exo may save the details back with CRLF.
  const room = LIMITS.DETAILS - savedCount(head);
  if (room > CUT_MARKER.length) {
    const shown = fitView(post.text, room, ctx.codePage);
    change.columns.DETAILS = head + shown.text;
    if (shown.cut) change.cuts.push({ column: 'DETAILS', full: post.text });
  } else change.cuts.push({ column: 'DETAILS', full: post.text });
  change.columns.MODIFIEDDATE = ctx.now;
  const by = post.deletedBy ? ctx.staffOf(post.deletedBy) : undefined;
  change.columns.MODIFIEDBY = by ?? ctx.defaultStaff;
  return change;
}
