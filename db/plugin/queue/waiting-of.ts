import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

/** How many of these activities still wait in the queue (not yet sent, or waiting for a retry). */
export async function waitingOf(db: Db, seqnos: readonly number[]): Promise<number> {
  if (!seqnos.length) return 0;
  const [row] = (await db.table(OBJECTS.queue).whereIn('ACTIVITY_SEQNO', seqnos).countDistinct({ n: 'ACTIVITY_SEQNO' })) as { n: number | string }[];
  return Number(row!.n);
}
