import type { Db } from '../../db/connect.js';
import { readActivities, type Activity } from '../../db/exo/activities.js';
import { readCreateIntent } from '../../db/plugin/links/create-intents.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { claimOf } from '../mapping/external-ref.js';
import type { Post } from '../numerik/types.js';

/**
 * The activity an unlinked post belongs to, when this sync created the post for it and the link
 * was never written (the create's answer was lost): its external_ref carries the token recorded
 * for that create, and the activity has no post yet. Any other `exo-task:` reference is text a
 * Numerik user wrote: it names nothing, and is reported once, with the post's own activity.
 */
export async function adoptionOf(db: Db, post: Post): Promise<{ activity?: Activity; refused?: string }> {
  const claim = claimOf(post.external_ref);
  if (!claim) return {};
  const [token, links] = await Promise.all([readCreateIntent(db, claim.seqno), readPostLinks(db, [claim.seqno])]);
  if (claim.token && token === claim.token && !links.has(claim.seqno)) {
    const activity = (await readActivities(db, [claim.seqno])).get(claim.seqno);
    if (activity) return { activity };
  }
  return { refused: `the post's external_ref names activity ${claim.seqno}, but this sync did not create the post for it: treated as plain text` };
}
