import type { Db } from '../db/connect.js';
import { writeLog, type LogEntry } from '../db/plugin/log.js';
import { releaseShadowed, shadowWork } from '../db/plugin/work/shadow.js';
import type { Logger } from '../logging/logger.js';
import type { PreviewItem } from './preview/item.js';

const RELEASE_EVERY_MS = 60_000;

/** "would have created: a new task" — how a shadow decision reads on the status page. */
export function wouldHave(item: PreviewItem): LogEntry {
  const verb = { create: 'created', update: 'updated', nothing: 'done nothing', skip: 'skipped', park: 'parked', refuse: 'refused', unknown: 'not known' }[item.decision];
  return { direction: item.direction, kind: 'shadow', activitySeqno: item.activitySeqno, postId: item.postId, reason: `would have ${verb}: ${item.reason}`, detail: item };
}

/** Records a batch's decisions and leaves its rows shadowed (pending, not claimed again), in one transaction. */
export async function recordShadowBatch(db: Db, table: string, worker: string, ids: readonly number[], items: readonly PreviewItem[]): Promise<void> {
  await db.knex.transaction(async (trx) => {
    if (await shadowWork(db, table, ids, worker, trx)) await writeLog(db, items.map(wouldHave), trx);
  });
}

/**
 * Gives back what shadow mode held once it is off: at once after this worker saw it on (or at
 * start, for what a previous run left), and now and then in case another worker shadowed rows in
 * the moment the setting changed.
 */
export function shadowRelease(db: Db, table: string, direction: 'outbound' | 'inbound', logger: Logger): (shadow: boolean) => Promise<void> {
  let maybe = true;
  let last = 0;
  return async (shadow) => {
    if (shadow) {
      maybe = true;
      return;
    }
    if (!maybe && Date.now() - last < RELEASE_EVERY_MS) return;
    last = Date.now();
    const released = await releaseShadowed(db, table, direction);
    maybe = false;
    if (released) logger.info(`shadow mode is off: ${released} ${direction} change(s) sent on, in order`, { direction, released });
  };
}
