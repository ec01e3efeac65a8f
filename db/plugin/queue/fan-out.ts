import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';
import { enqueueActivities } from './enqueue.js';

/** Keys put in the queue per transaction: few enough row locks that SQL Server never escalates. */
export const FAN_OUT_SLICE = 2_000;

export interface SetRow {
  ID: number | string;
  OPERATION: 'I' | 'U' | 'D';
  KEYS: string;
  FANNED_OUT: number;
  QUEUED_AT: Date;
}

/** A set's keys as the trigger wrote them: FOR JSON PATH's [{"k":1},…] or json_agg's [1,…]. */
export function setKeys(text: string): number[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('not a JSON array');
  return parsed.map((item: unknown) => {
    const key = typeof item === 'object' && item !== null ? (item as { k?: unknown }).k : item;
    if (!Number.isSafeInteger(key)) throw new Error(`${JSON.stringify(item)} is not an activity key`);
    return key as number;
  });
}

/**
 * Splits the sets that many-row Exo statements left (X_NUMERIK_QUEUE_SETS) into one queue row per
 * changed activity, oldest set first, `FAN_OUT_SLICE` keys per transaction. Each transaction first
 * moves the set's FANNED_OUT on from the count it read (or deletes the set with its last slice),
 * then queues that slice: a process that dies mid-slice rolls both back, and a second worker
 * splitting the same set waits on that row and then finds the count moved, so no key is queued
 * twice or lost, with or without lock hints. A set that cannot be read is left where it is, said
 * in `unreadable`, and passed over: it never holds up the sets after it.
 */
export async function fanOutSets(db: Db): Promise<{ queued: number; unreadable: string[] }> {
  let queued = 0;
  const unreadable: string[] = [];
  const passedOver: (number | string)[] = [];
  for (;;) {
    const set = (await db.table(OBJECTS.queueSets).whereNotIn('ID', passedOver).orderBy('ID').first('ID', 'OPERATION', 'KEYS', 'FANNED_OUT', 'QUEUED_AT')) as SetRow | undefined;
    if (!set) return { queued, unreadable };
    let keys: number[];
    try {
      keys = setKeys(set.KEYS);
    } catch (error) {
      passedOver.push(set.ID);
      unreadable.push(`captured set ${set.ID} in ${OBJECTS.queueSets} cannot be read (${(error as Error).message}); it is left there`);
      continue;
    }
    let done = Number(set.FANNED_OUT);
    while (done < keys.length) {
      const slice = keys.slice(done, done + FAN_OUT_SLICE);
      const next = done + slice.length;
      const moved = await db.knex.transaction(async (trx) => {
        const row = trx(`${db.target.schema}.${OBJECTS.queueSets}`).where({ ID: set.ID, FANNED_OUT: done });
        if (!(next < keys.length ? await row.update({ FANNED_OUT: next }) : await row.del())) return false;
        await enqueueActivities(db, slice, trx, { operation: set.OPERATION, queuedAt: set.QUEUED_AT });
        return true;
      });
      // Another worker moved this set on: read it again.
      if (!moved) break;
      queued += slice.length;
      done = next;
    }
  }
}
