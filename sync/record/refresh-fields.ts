import type { Db } from '../../db/connect.js';
import { readRecordFields, writeRecordFields, type RecordFields } from '../../db/exo/record-fields.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { resolveEntries, SYNC_ITSELF } from '../../db/plugin/resolve-entries.js';
import type { Logger } from '../../logging/logger.js';
import type { SyncOptions } from '../options.js';
import { postAddress } from './post-address.js';
import { stateText, type RecordEvent } from './state-text.js';

export interface RecordOutcome {
  seqno: number;
  event: RecordEvent;
}

export const SUPERSEDED = 'superseded by a later change';

/**
 * After a batch: each activity's post address and state field, written only where they changed,
 * and the conflicts a later change superseded closed. Never fails the batch (its work is done and
 * recorded): a field left stale is put right by the activity's next sync, and said in the log.
 */
export async function refreshRecordFields(db: Db, outcomes: readonly RecordOutcome[], options: SyncOptions, logger: Logger): Promise<void> {
  if (!outcomes.length) return;
  try {
    const last = new Map(outcomes.map((o) => [o.seqno, o.event]));
    const seqnos = [...last.keys()];
    const [links, current] = await Promise.all([readPostLinks(db, seqnos), readRecordFields(db, seqnos)]);
    const now = new Date();
    const changes: ({ seqno: number } & Partial<RecordFields>)[] = [];
    for (const [seqno, event] of last) {
      const fields = current.get(seqno);
      if (!fields) continue;
      const link = links.get(seqno);
      const post = link ? postAddress(link.postUrl, options.postUrlTemplate, link.postId) : fields.post;
      const state = stateText(event, fields.state, { now, lastSynced: link?.syncedAt ?? now }, options.timeZone);
      const change = { seqno, ...(post !== fields.post ? { post } : {}), ...(state !== fields.state ? { state } : {}) };
      if (Object.keys(change).length > 1) changes.push(change);
    }
    await writeRecordFields(db, changes);
    // A conflict is closed only by a change made after it was recorded: the edit that caused it,
    // carried by the other direction afterwards, is no later change. A later change that met a
    // conflict of its own closes the older cards too (its card, recorded after its change was
    // made, stays open): what they kept was decided again.
    // One read finds the few activities with an open card; only those are closed one by one.
    const superseding = [...last].filter(([, e]) => e.kind === 'synced' && e.transferred && (!e.conflict || e.changedAt)).map(([seqno]) => seqno);
    const carded = superseding.length ? await openConflictActivities(db, superseding) : new Set<number>();
    for (const seqno of carded) {
      const e = last.get(seqno);
      if (e?.kind === 'synced') await resolveEntries(db, 'conflict', { activitySeqnos: [seqno], before: e.changedAt ?? now }, { by: SYNC_ITSELF, resolution: SUPERSEDED });
    }
  } catch (error) {
    logger.warn('state fields not updated; the next sync of these activities does it', { error: (error as Error).message, activities: outcomes.length });
  }
}

/** Which of these activities have an open conflict card. */
async function openConflictActivities(db: Db, seqnos: readonly number[]): Promise<Set<number>> {
  const rows = (await db.table(OBJECTS.log).where({ KIND: 'conflict' }).whereNull('RESOLVED_AT').whereIn('ACTIVITY_SEQNO', seqnos.slice(0, 1000)).distinct('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number }[];
  return new Set(rows.map((r) => Number(r.ACTIVITY_SEQNO)));
}
