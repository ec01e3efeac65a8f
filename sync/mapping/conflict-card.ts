import type { Activity } from '../../db/exo/activities.js';
import type { Lookups } from '../lookups.js';
import type { Post } from '../numerik/types.js';
import type { Side } from './conflict.js';
import type { ContentField } from './content.js';
import { actorOf } from './inbound.js';
import { wallClockToInstant } from './time.js';

/** Who made one side's edit of a conflict, and when (UTC): what a person settling it asks first. */
export interface CardEdit {
  /** The person's name, where this database knows it. */
  by: string | null;
  /** The Numerik user's id (a page names it, or says its name is not known here). */
  id?: string | null;
  at: string | null;
}

/** A person's choice of one field of a card: kept on the card, which stays open for the others. */
export interface CardChoice {
  side: Side;
  by: string;
  at: string;
  /** What the choice did, in a sentence ("Exo's text kept, sent to Numerik by Jo Bloggs"). */
  did: string;
}

/** Fields in the words a person reads on a card. */
export const FIELD_WORDS: Record<ContentField, string> = {
  customer_id: 'customer',
  body_text: 'text',
  assignee_id: 'assignee',
  due_at: 'due date',
  follow_up_date: 'follow-up date',
  completed: 'completion',
  completed_at: 'completion time',
  tags: 'tags',
};

export const SIDE_WORDS: Record<Side, string> = { exo: "Exo's", numerik: "Numerik's" };

/**
 * What a card says besides the two versions: the activity's subject, and who made each side's edit
 * and when (Exo's last editor and save time; the Numerik user who made the post's latest change).
 */
export function cardContext(activity: Activity, post: Post, lookups: Lookups): { subject: string | null; edits: Record<Side, CardEdit> } {
  const staff = activity.modifiedBy === null ? undefined : lookups.staff.get(activity.modifiedBy);
  const exoAt = activity.modifiedAt ?? activity.createdAt;
  const user = actorOf(post);
  const userStaff = lookups.staffOfUser.get(user);
  return {
    subject: activity.subject,
    edits: {
      exo: { by: staff ? (staff.name ?? staff.loginId) : activity.modifiedBy === null ? null : `staff ${activity.modifiedBy}`, at: exoAt ? wallClockToInstant(exoAt, lookups.options.timeZone).toISOString() : null },
      numerik: { by: lookups.userNames.get(user) ?? (userStaff === undefined ? undefined : lookups.staff.get(userStaff)?.name) ?? null, id: user, at: post.updated_at },
    },
  };
}

/** What choosing `side`'s value of `field` did, said the way the card and the log say it. */
export function choiceSentence(side: Side, field: ContentField, winner: Side, by: string): string {
  const what = `${SIDE_WORDS[side]} ${FIELD_WORDS[field]} kept`;
  if (side === winner) return `${what} (already on both sides), chosen by ${by}`;
  return `${what}, ${side === 'exo' ? 'sent to Numerik' : 'written to Exo'} by ${by}`;
}

/** The fields of a card nobody has chosen yet. */
export const openFields = (fields: readonly ContentField[], choices: Partial<Record<ContentField, CardChoice>> | undefined): ContentField[] => fields.filter((f) => !choices?.[f]);
