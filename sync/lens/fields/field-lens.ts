import type { Activity } from '../../../db/exo/activities.js';
import type { Content, ContentField } from '../../mapping/content.js';
import type { InboundContext } from '../../mapping/inbound.js';
import type { OutboundContext } from '../../mapping/outbound.js';
import type { Post, PostType } from '../../numerik/types.js';

/**
 * One pair of fields the activity and its post share, as a lens: `get` is how the activity shows
 * the post's fields (TASKS columns), `put` what the activity says those fields are (in Numerik's
 * terms, compared with the link's bases by the three-way merge). Every pair lives in one file.
 */
export interface FieldLens {
  /** The content fields of the pair: its get runs when Numerik changed one of them. */
  readonly fields: readonly ContentField[];
  /** Its get runs on every write of the post to Exo, whatever changed. */
  readonly always?: boolean;
  get(post: Post, ctx: InboundContext, out: GetOut): void;
  put(activity: Activity, ctx: OutboundContext, on: { type: PostType; customerId: string }): Partial<Content>;
}

/** What the gets of a post write: TASKS columns, notes for the log, and why it has to wait. */
export interface GetOut {
  columns: Record<string, unknown>;
  notes: string[];
  /** Text that did not fit DETAILS, kept whole in X_NUMERIK_LOG. */
  cuts: { column: 'DETAILS'; full: string }[];
  /** The activity as it is now; undefined for a new one. */
  current: Activity | undefined;
  park?: string;
}

/**
 * An Exo staff member for a Numerik user; the default one when there is none, noted once per user
 * however many of the post's roles (author, assignee, who changed it) that user has.
 */
export function staffFor(userId: string | null, role: string, ctx: InboundContext, notes: string[]): number | null {
  if (!userId) return null;
  const found = ctx.staffOf(userId);
  if (found !== undefined) return found;
  const head = `Numerik user ${userId} (`;
  const tail = `) has no Exo staff member: ${ctx.defaultStaff === null ? 'left empty' : `staff ${ctx.defaultStaff} used`}`;
  const i = notes.findIndex((n) => n.startsWith(head) && n.endsWith(tail));
  const roles = i === -1 ? [] : notes[i]!.slice(head.length, -tail.length).split(', ');
  if (!roles.includes(role)) notes.splice(i === -1 ? notes.length : i, i === -1 ? 0 : 1, `${head}${[...roles, role].join(', ')}${tail}`);
  return ctx.defaultStaff;
}
