import type { Db } from '../../db/connect.js';
import { readRecordFields, writeRecordFields, type RecordFields } from '../../db/exo/record-fields.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { resolveEntries } from '../../db/plugin/resolve-entries.js';
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
    // carried by the other direction afterwards, is no later change.
    for (const [seqno, e] of last) {
      if (e.kind === 'synced' && e.transferred && !e.conflict) await resolveEntries(db, 'conflict', { activitySeqnos: [seqno], before: e.changedAt ?? now }, { by: 'exo-numerik', resolution: SUPERSEDED });
    }
  } catch (error) {
    logger.warn('state fields not updated; the next sync of these activities does it', { error: (error as Error).message, activities: outcomes.length });
  }
}
