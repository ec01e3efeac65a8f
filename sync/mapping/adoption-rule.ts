import { externalRef } from './external-ref.js';

/**
 * Which post, if any, is the one this sync's create made for an activity, told from the posts
 * Numerik lists for the create's external_ref. Both a create retried after its answer was lost and
 * the inbound side meeting an unlinked post ask this, so both take the same post or none.
 *
 * What proves "this sync made it", with what the Numerik contract offers (reference/numerik-api.md):
 * - the external_ref carries the create's intent token: 144 random bits recorded before the create
 *   and shown on no post but the one that create made, so a post carrying it is that post or a copy
 *   of its reference;
 * - it is the only post carrying it: a copy can only be made from the original, so two or more
 *   means one is a person's copy, and nothing on the wire says which;
 * - it is not older than the token: a reference pasted onto a post made before the create was
 *   recorded is a copy, whatever else is true.
 * The contract has no creator of a post (author_id is the Exo staff member's Numerik user, which
 * the sync sets on purpose; updated_by is the author until someone edits) and no "who am I" call,
 * so "created by the sync's API user" cannot be checked on the wire; the clauses above are what
 * stands for it. A post whose original was deleted and whose copy was made after the create is
 * the one case they cannot tell apart; a `created_by` in the contract would close it.
 */
export interface AdoptionIntent {
  seqno: number;
  token: string;
  /** When the token was recorded (X_NUMERIK_CREATE_INTENT.CREATED_AT, this machine's clock). */
  recordedAt: Date;
}

/** The fields of a post the rule reads (the wire's names). */
export interface AdoptionCandidate {
  id: string;
  external_ref: string | null;
  created_at: string;
}

export type AdoptionVerdict =
  | { kind: 'adopt'; postId: string }
  /** No post carries the token: the create never reached Numerik (or its post is not listed yet). */
  | { kind: 'none' }
  | { kind: 'refuse'; why: 'several' | 'older'; postIds: string[]; reason: string };

/**
 * Numerik's created_at is Numerik's clock, the token's time this machine's: `doctor` fails a skew
 * over 4 minutes, so a post within 5 minutes before the token still counts as made after it.
 */
export const CLOCK_ALLOWANCE_MS = 5 * 60_000;

/** X_NUMERIK_LOG.REASON holds 400 characters, and a parked entry's reason is written whole. */
const MAX_REASON = 390;
const SHOWN_IDS = 3;

export function adoptionVerdict(intent: AdoptionIntent, found: readonly AdoptionCandidate[]): AdoptionVerdict {
  const ref = externalRef(intent.seqno, intent.token);
  // Exactly the create's reference: Numerik's filter may be looser (case, prefix) than equality,
  // and a page may repeat a post.
  const carrying = [...new Map(found.filter((p) => p.external_ref === ref).map((p) => [p.id, p])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!carrying.length) return { kind: 'none' };
  const postIds = carrying.map((p) => p.id);
  if (carrying.length > 1) {
    return {
      kind: 'refuse',
      why: 'several',
      postIds,
      reason: bounded(
        `${carrying.length} posts in Numerik carry the external_ref of activity ${intent.seqno}'s create (${listed(postIds)}): ` +
          `the sync made at most one of them and cannot tell which, so it takes none and makes no other; ` +
          `delete the one that is not activity ${intent.seqno}'s post, or take the reference off it, then retry`,
      ),
    };
  }
  const post = carrying[0]!;
  const made = Date.parse(post.created_at);
  if (!(made >= intent.recordedAt.getTime() - CLOCK_ALLOWANCE_MS)) {
    return {
      kind: 'refuse',
      why: 'older',
      postIds,
      reason: bounded(
        `post ${post.id} carries the external_ref of activity ${intent.seqno}'s create but was made (${post.created_at}) before that create was recorded ` +
          `(${intent.recordedAt.toISOString()}): a copied reference, not the sync's post; it is left as it is: take the reference off it, then retry`,
      ),
    };
  }
  return { kind: 'adopt', postId: post.id };
}

function listed(ids: string[]): string {
  return ids.length <= SHOWN_IDS ? ids.join(', ') : `${ids.slice(0, SHOWN_IDS).join(', ')} and ${ids.length - SHOWN_IDS} more`;
}

function bounded(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}
