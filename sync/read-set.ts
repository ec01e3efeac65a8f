import type { Db } from '../db/connect.js';
import { readActivities, type Activity } from '../db/exo/activities.js';
import { readPostLinks, sameLink, type PostLink } from '../db/plugin/links/posts.js';
import { failpoint } from './failpoints.js';

/** Rounds of reading a pair again whose link moved while it was read. */
const ROUNDS = 5;

export interface Pairs<K> {
  links: Map<K, PostLink>;
  activities: Map<number, Activity>;
  /** Keys whose link kept moving for every round: decided on none of it (they wait, busy). */
  unsettled: K[];
}

/**
 * Links and their activities read as consistent pairs: a sync commit writes an activity and its
 * link in one transaction, so a link that reads the same before and after its activity was read
 * belongs with that activity. A pair whose link moved meanwhile is read again. (Merging a newer
 * activity against an older link takes the sync's own write for an Exo user's edit.)
 */
export async function readPairs<K>(
  db: Db,
  keys: readonly K[],
  readLinks: (keys: readonly K[]) => Promise<Map<K, PostLink>>,
  seqnoOf: (key: K, link: PostLink | undefined) => number | undefined,
  direction?: 'inbound' | 'outbound',
): Promise<Pairs<K>> {
  const links = new Map<K, PostLink>();
  const activities = new Map<number, Activity>();
  let pending = [...keys];
  for (let round = 0; round < ROUNDS && pending.length; round += 1) {
    const before = await readLinks(pending);
    await failpoint('read.between-link-and-activity', { direction });
    const seqnos = pending.map((k) => seqnoOf(k, before.get(k))).filter((s): s is number => s !== undefined);
    const read = await readActivities(db, seqnos);
    const after = await readLinks(pending);
    const moved: K[] = [];
    for (const k of pending) {
      const link = before.get(k);
      if (!sameLink(link, after.get(k))) {
        moved.push(k);
        continue;
      }
      if (link) links.set(k, link);
      const seqno = seqnoOf(k, link);
      const activity = seqno === undefined ? undefined : read.get(seqno);
      if (seqno !== undefined && activity) activities.set(seqno, activity);
    }
    pending = moved;
  }
  return { links, activities, unsettled: pending };
}

/** Activities and their links, by activity key, as consistent pairs (the outbound side's read). */
export function readActivityPairs(db: Db, seqnos: readonly number[]): Promise<Pairs<number>> {
  return readPairs(db, seqnos, (keys) => readPostLinks(db, keys), (k) => k, 'outbound');
}
