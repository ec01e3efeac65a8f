import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';
import { ATTACHMENTS_JOB } from './store-event.js';

/** The next `limit` posts with events waiting in the inbox, in id order after `after` (attachment jobs aside). */
export async function inboxPosts(db: Db, after: string, limit: number): Promise<string[]> {
  const rows = (await db
    .table(OBJECTS.inbox)
    .where('POST_ID', '>', after)
    .whereNot({ EVENT_TYPE: ATTACHMENTS_JOB })
    .distinct('POST_ID')
    .orderBy('POST_ID')
    .limit(limit)) as { POST_ID: string }[];
  return rows.map((r) => r.POST_ID);
}

/** Which of these posts have events waiting in the inbox. */
export async function inboxAmong(db: Db, postIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < postIds.length; i += 1000) {
    const rows = (await db.table(OBJECTS.inbox).whereIn('POST_ID', postIds.slice(i, i + 1000)).whereNot({ EVENT_TYPE: ATTACHMENTS_JOB }).distinct('POST_ID')) as { POST_ID: string }[];
    for (const r of rows) found.add(r.POST_ID);
  }
  return found;
}
