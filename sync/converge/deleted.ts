import { updatePostLink } from '../../db/plugin/links/posts.js';
import { splitDetails } from '../lens/details.js';
import { textOfView } from '../lens/view-text.js';
import { inboundContext } from '../lookups.js';
import type { Content } from '../mapping/content.js';
import { deletedChange } from '../mapping/inbound.js';
import { changeLog, checkOf, writeActivity, type Committer } from './commit.js';
import type { ConvergeDeps, ConvergeInput, ConvergeOutcome } from './converge.js';

/** A deleted post never deletes its activity: the subject is marked and an audit block kept (rule 9). */
export async function markDeleted({ db }: Pick<ConvergeDeps, 'db'>, i: ConvergeInput, seqno: number | undefined, { entry, commit, skip }: Committer): Promise<ConvergeOutcome> {
  const { link, activity } = i;
  if (!link || link.state !== 'active' || !activity || activity.deleted) return skip('the post was deleted in Numerik; nothing linked to mark');
  const numerikBase = link.numerikContent ? (JSON.parse(link.numerikContent) as Content) : undefined;
  const text = numerikBase?.body_text ?? textOfView(splitDetails(activity.details).body, i.lookups.codePage);
  const change = deletedChange(activity, { text, deletedAt: i.deleted?.at ?? new Date().toISOString(), deletedBy: i.deleted?.by ?? null }, inboundContext(i.lookups));
  await commit(
    async (trx) => {
      await writeActivity(db, trx, activity, change.columns);
      await updatePostLink(db, activity.seqno, { state: 'deleted' }, trx);
    },
    () => [...changeLog(change, entry), entry('deleted', `the post was deleted in Numerik; activity ${seqno} kept, marked "Deleted"`, { text, deletedAt: i.deleted?.at, deletedBy: i.deleted?.by })],
    change.columns,
    checkOf(activity.seqno, i.storedLink ?? link, activity),
  );
  return { kind: 'done', action: 'deleted', seqno, conflicts: [] };
}
