import { DateTime } from 'luxon';
import type { Activity } from '../../db/exo/activities.js';
import { formatCompanyId, type AccountRef } from '../../db/exo/company.js';
import { ACTIVITY_TYPE, LIMITS, TASK_INSERT_DEFAULTS } from '../../db/exo/tasks.js';
import type { Post } from '../numerik/types.js';
import type { ContentField } from './content.js';
import { textGet } from '../lens/activity-text.js';
import { fitSubject } from '../lens/subject.js';
import { charCount, fitView } from '../lens/view-text.js';
import { CUT_MARKER } from '../lens/control-lines.js';
import { dateToWallClock, instantToWallClock } from './time.js';
import { CUSTOMER_NOT_LINKED } from './outbound.js';

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
}

export interface ExoChange {
  /** TASKS columns and their new values. */
  columns: Record<string, unknown>;
  notes: string[];
  /** Text that did not fit DETAILS, kept whole in X_NUMERIK_LOG. */
  cuts: { column: 'DETAILS'; full: string }[];
}

/** Who made the post's latest change: the author of a newer comment, else the post's author. */
function actorOf(post: Post): string {
  const latest = [...post.comments].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1))[0];
  return latest && latest.updated_at >= post.updated_at ? latest.author_id : post.author_id;
}

function staff(userId: string | null, role: string, ctx: InboundContext, notes: string[]): number | null {
  if (!userId) return null;
  const found = ctx.staffOf(userId);
  if (found !== undefined) return found;
  notes.push(`Numerik user ${userId} (${role}) has no Exo staff member: ${ctx.defaultStaff === null ? 'left empty' : `staff ${ctx.defaultStaff} used`}`);
  return ctx.defaultStaff;
}

/**
 * The TASKS columns for the content `fields` that came from Numerik (DESIGN.md "Numerik → Exo"
 * 1–7, 10). `current` is the activity as it is now (undefined for a new one). Never touches
 * OUTLOOKENTRYID or the recurrence columns; always stamps MODIFIEDDATE (Exo's Outlook sync trusts it).
 */
export function exoColumnsFor(fields: readonly ContentField[], post: Post, current: Activity | undefined, ctx: InboundContext): ExoChange | { park: string } {
  const change: ExoChange = { columns: {}, notes: [], cuts: [] };
  const set = (col: string, value: unknown) => (change.columns[col] = value);
  const has = (f: ContentField) => fields.includes(f);
  const wall = (iso: string | null) => (iso ? instantToWallClock(new Date(iso), ctx.timeZone) : null);

  if (has('customer_id')) {
    const account = ctx.accountOf(post.customer_id);
    if (!account) return { park: CUSTOMER_NOT_LINKED };
    set('COMPANYID', formatCompanyId(account));
  }
  // DETAILS is always the view of the post (its text, then its comments): whatever an Exo user
  // wrote below the comments marker is replaced; the subject follows the post's first line.
  const view = textGet(post, ctx);
  if (view.details !== (current?.details ?? '')) {
    set('DETAILS', view.details);
    change.notes.push(...view.notes);
    if (view.cut) change.cuts.push({ column: 'DETAILS', full: post.body_text });
  }
  if (view.subject !== (current?.subject ?? '')) set('SUBJECT', view.subject);
  if (post.type === 'task') {
    if (has('assignee_id')) set('ASSIGNED_TO', staff(post.assignee_id, 'assignee', ctx, change.notes));
    if (has('due_at')) set('END_DATETIME', wall(post.due_at));
  } else {
    if (has('assignee_id') || !current) set('ASSIGNED_TO', staff(post.author_id, 'author', ctx, change.notes));
    if (has('follow_up_date')) {
      // A follow-up date is a day: an all-day activity on it.
      const day = post.follow_up_date ? dateToWallClock(post.follow_up_date, 0) : null;
      set('START_DATETIME', day);
      set('END_DATETIME', day);
      set('OPTIONS', day ? 2 : 3);
    }
  }
  if (has('completed') || has('completed_at') || (post.type === 'note' && has('follow_up_date'))) {
    // A note without a follow-up date is done; with one, it is open until completed.
    const completed = post.type === 'note' ? !post.follow_up_date || post.completed : post.completed;
    set('COMPLETED', completed ? 'Y' : 'N');
    set('COMPLETED_PERCENT', completed ? 100 : 0);
    set('COMPLETED_DATETIME', completed ? wall(post.completed_at ?? post.updated_at) : null);
  }
  if (has('tags')) set('TYPE', ctx.typeOfTags(post.tags) ?? ctx.defaultType);
  if (!Object.keys(change.columns).length) return change;
  set('MODIFIEDDATE', ctx.now);
  set('MODIFIEDBY', staff(actorOf(post), 'who changed it', ctx, change.notes));
  return change;
}

const ALL_FIELDS: ContentField[] = ['customer_id', 'body_text', 'assignee_id', 'due_at', 'follow_up_date', 'completed', 'completed_at', 'tags'];

/** A whole new TASKS row for a post made in Numerik, every NOT NULL column set. */
export function newActivityRow(post: Post, ctx: InboundContext): ExoChange | { park: string } {
  const change = exoColumnsFor(ALL_FIELDS, post, undefined, ctx);
  if ('park' in change) return change;
  const author = staff(post.author_id, 'author', ctx, change.notes);
  change.columns = {
    ...change.columns,
    ASSIGNED_BY: author,
    CREATEDBY: author,
    CREATEDATE: instantToWallClock(new Date(post.created_at), ctx.timeZone),
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
  const room = LIMITS.DETAILS - charCount(head);
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
