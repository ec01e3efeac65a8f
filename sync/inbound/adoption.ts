import type { Db } from '../../db/connect.js';
import { readActivities, type Activity } from '../../db/exo/activities.js';
import { readCreateIntentRecord } from '../../db/plugin/links/create-intents.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { sendInFlight } from '../../db/plugin/work/in-flight.js';
import { adoptionVerdict } from '../mapping/adoption-rule.js';
import { claimOf } from '../mapping/external-ref.js';
import type { NumerikClient } from '../numerik/client.js';
import type { Post } from '../numerik/types.js';

/**
 * What the inbound side does with an unlinked post whose external_ref names an activity:
 * - `activity`: this sync created the post for it and the link was never written (the create's
 *   answer was lost): link the two. Decided by the same rule as a create retry
 *   (sync/mapping/adoption-rule.ts): the token recorded for that create, a post not older than
 *   it, and the only post carrying it; and the activity has no post yet.
 * - `refused`: the reference is text a Numerik user wrote or copied (no such create, another
 *   token, a post made before the create): it names nothing, the post is like any other, and the
 *   reason is reported once, with the post's own activity.
 * - `wait`: the worker creating the post holds the activity's queue row: it links the post.
 * - `park`: several posts carry the create's token, and nothing tells the sync's own from a
 *   person's copy: neither is linked nor made into an activity until a person has taken the
 *   reference off the wrong one (the activity's create retry parks with the same reason).
 *
 * The uniqueness clause needs Numerik's list of the posts carrying the reference: without
 * `client` the only post known is the one in hand, and a copy made after the create is not told
 * from the original. Throws what the client throws when Numerik cannot be asked.
 */
export async function adoptionOf(
  db: Db,
  post: Post,
  client?: Pick<NumerikClient, 'findPostsByExternalRef'>,
): Promise<{ activity?: Activity; refused?: string; park?: string; wait?: string }> {
  const claim = claimOf(post.external_ref);
  if (!claim) return {};
  const plain = { refused: `the post's external_ref names activity ${claim.seqno}, but this sync did not create the post for it: treated as plain text` };
  const [intent, links] = await Promise.all([readCreateIntentRecord(db, claim.seqno), readPostLinks(db, [claim.seqno])]);
  if (!claim.token || !intent || intent.token !== claim.token || links.has(claim.seqno)) return plain;
  const listed = client ? await client.findPostsByExternalRef(post.external_ref!) : [];
  // The post in hand counts even when Numerik's list does not show it (yet).
  const verdict = adoptionVerdict({ seqno: claim.seqno, ...intent }, [post, ...listed.filter((p) => p.id !== post.id)]);
  if (verdict.kind === 'refuse' && verdict.why === 'several') return { park: verdict.reason };
  if (verdict.kind === 'refuse') {
    return { refused: `the post's external_ref carries the token of activity ${claim.seqno}'s create, but the post was made before that create: a copied reference, treated as plain text` };
  }
  if (verdict.kind !== 'adopt' || verdict.postId !== post.id) return plain;
  // The worker creating it is alive and will link it, with the post as it answered: adopting it
  // here too would put Exo's state over edits made in Numerik since.
  if (await sendInFlight(db, claim.seqno)) return { wait: `activity ${claim.seqno}'s post is being created: it is linked by the worker creating it` };
  const activity = (await readActivities(db, [claim.seqno])).get(claim.seqno);
  return activity ? { activity } : plain;
}
