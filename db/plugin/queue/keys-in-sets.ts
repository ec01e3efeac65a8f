import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';
import { setKeys, type SetRow } from './fan-out.js';

/**
 * The activities that bulk statements' sets (X_NUMERIK_QUEUE_SETS) hold and the worker has not yet
 * put in the queue, read without changing anything: a set at a time (one set's text in memory), each
 * key handed to `onKey`. A set that cannot be read is named in `unreadable` and passed over.
 */
export async function keysInSets(db: Db, onKey: (key: number) => void): Promise<{ statements: number; unreadable: string[] }> {
  const unreadable: string[] = [];
  let statements = 0;
  for (let after: number | string = -1; ; ) {
    const set = (await db.table(OBJECTS.queueSets).where('ID', '>', after).orderBy('ID').first('ID', 'KEYS', 'FANNED_OUT')) as Pick<SetRow, 'ID' | 'KEYS' | 'FANNED_OUT'> | undefined;
    if (!set) return { statements, unreadable };
    after = set.ID;
    statements += 1;
    let keys: number[];
    try {
      keys = setKeys(set.KEYS);
    } catch (error) {
      unreadable.push(`captured set ${set.ID} in ${OBJECTS.queueSets} (${(error as Error).message})`);
      continue;
    }
    // Those before FANNED_OUT are queue rows already.
    for (let i = Number(set.FANNED_OUT); i < keys.length; i++) onKey(keys[i]!);
  }
}
