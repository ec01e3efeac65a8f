import { adoptionVerdict, type AdoptionIntent } from '../mapping/adoption-rule.js';
import type { Post } from '../numerik/types.js';

/** A create retry found posts carrying its reference and may take none of them (the reason says why and what to do). */
export class AdoptionRefusedError extends Error {
  override name = 'AdoptionRefusedError';
}

/**
 * What a create retry does with the posts Numerik lists for its external_ref: takes the one the
 * rule allows, sends the create when none carries it, and otherwise refuses. A refusal parks the
 * activity rather than creating a fresh post with a fresh token: the token can only have been
 * copied from the post the sync's create made, so one of the posts is very likely the sync's own,
 * and a second post would leave it behind as an orphan that the inbound side, its token then
 * unknown, would turn into a duplicate Exo activity. Parked, the activity says why on the status
 * page, no post is changed, and once a person has taken the reference off the post that is not
 * the activity's (or deleted it), `retry` finds exactly one and adopts it.
 */
export function adoptOnRetry(intent: AdoptionIntent): (found: Post[]) => Post | undefined {
  return (found) => {
    const verdict = adoptionVerdict(intent, found);
    switch (verdict.kind) {
      case 'none':
        return undefined;
      case 'adopt':
        return found.find((p) => p.id === verdict.postId);
      case 'refuse':
        throw new AdoptionRefusedError(verdict.reason);
    }
  };
}
