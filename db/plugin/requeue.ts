import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { storeEvent } from './inbox/store-event.js';
import { OBJECTS } from './objects.js';
import { enqueueActivities } from './queue/enqueue.js';

/** Which open X_NUMERIK_LOG entries to send on their way again. */
export type RequeueSelection = { kind: 'parked'; reason: string } | { kind: 'dead'; ids?: readonly number[] };

/**
 * Puts the items of open parked or dead-letter entries back to work (activities into the queue,
 * posts into the inbox, as fresh attempts) and marks the entries resolved, in one transaction.
 * Returns the entries resolved; ids that are not open entries of that kind are left alone.
 */
export async function requeueEntries(db: Db, selection: RequeueSelection): Promise<number[]> {
  return db.knex.transaction(async (trx) => {
    const table = () => trx(`${db.target.schema}.${OBJECTS.log}`);
    let open = table().where({ KIND: selection.kind }).whereNull('RESOLVED_AT');
    if (selection.kind === 'parked') open = open.where({ REASON: selection.reason });
    const rows: { ID: number | string; ACTIVITY_SEQNO: number | null; POST_ID: string | null; DIRECTION: string }[] = [];
    const idChunks = selection.kind === 'dead' && selection.ids ? chunks(selection.ids, 1000) : [undefined];
    for (const ids of idChunks) rows.push(...(await (ids ? open.clone().whereIn('ID', ids) : open.clone()).select('ID', 'ACTIVITY_SEQNO', 'POST_ID', 'DIRECTION')));
    if (!rows.length) return [];
    await putBack(db, trx, rows);
    const resolved = rows.map((r) => Number(r.ID));
    for (const ids of chunks(resolved, 1000)) await table().whereIn('ID', ids).update({ RESOLVED_AT: new Date() });
    return resolved;
  });
}

async function putBack(db: Db, trx: Knex.Transaction, rows: { ACTIVITY_SEQNO: number | null; POST_ID: string | null; DIRECTION: string }[]): Promise<void> {
  const activities = new Set(rows.filter((r) => r.DIRECTION === 'outbound' && r.ACTIVITY_SEQNO !== null).map((r) => r.ACTIVITY_SEQNO!));
  if (activities.size) await enqueueActivities(db, [...activities], trx);
  const stamp = Date.now();
  for (const postId of new Set(rows.filter((r) => r.DIRECTION === 'inbound' && r.POST_ID).map((r) => r.POST_ID!))) {
    await storeEvent(db, { eventId: `requeue:${postId}:${stamp}`, type: 'post.updated', postId, version: null, source: 'requeue' }, trx);
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
