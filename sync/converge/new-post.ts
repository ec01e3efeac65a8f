import { readActivities } from '../../db/exo/activities.js';
import { insertActivity } from '../../db/exo/write-activity.js';
import { inboundContext } from '../lookups.js';
import { newActivityRow } from '../mapping/inbound.js';
import type { Post } from '../numerik/types.js';
import { changeLog, recordLink, type Committer } from './commit.js';
import type { ConvergeDeps, ConvergeInput, ConvergeOutcome } from './converge.js';

/** A post made in Numerik: a new activity, its link, in one transaction. */
export async function insertActivityFor(deps: ConvergeDeps, i: ConvergeInput, post: Post, { entry, commit }: Committer): Promise<ConvergeOutcome> {
  const change = newActivityRow(post, inboundContext(i.lookups));
  if ('park' in change) return { kind: 'park', reason: change.park };
  let seqno = 0;
  await commit(
    async (trx) => {
      seqno = await insertActivity(deps.db, trx, change.columns);
      await recordLink(deps.db, trx, (await readActivities(deps.db, [seqno], trx)).get(seqno)!, post, 'numerik', i.lookups, 'insert');
    },
    () => [
      ...(i.refusedRef ? [entry('note', i.refusedRef, { external_ref: post.external_ref }, seqno)] : []),
      ...changeLog(change, (k, r, d) => entry(k, r, d, seqno)),
      entry('synced', `created activity ${seqno} from ${post.type} ${post.id}`, undefined, seqno),
    ],
    change.columns,
  );
  return { kind: 'done', action: 'inserted', seqno, conflicts: [] };
}
