import type { Db } from '../../db/connect.js';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { readSettings, writeSetting } from '../../db/plugin/settings.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type { NumerikClient } from '../numerik/client.js';
import type { SyncOptions } from '../options.js';

/** Where the last poll stopped (X_NUMERIK_SETTINGS; `state.` keys are the sync's own, not options). */
export const WATERMARK_KEY = 'state.reconcile.watermark';

export interface ReconcileSummary {
  seen: number;
  stored: number;
  watermark: string;
}

/**
 * Catches what webhooks missed (a receiver down for hours): posts changed since the watermark go
 * into the same inbox as webhooks, as events whose ids name the post and version, so a change the
 * webhook already brought is stored once. The watermark moves only past events already stored.
 * The first poll starts at `syncFrom`, or now: enabling the sync brings nothing historical.
 */
export async function reconcile(db: Db, client: NumerikClient, options: SyncOptions, logger: Logger = silentLogger): Promise<ReconcileSummary> {
  const stored = (await readSettings(db))[WATERMARK_KEY];
  if (typeof stored !== 'string' && !options.syncFrom) {
    const now = new Date().toISOString();
    await writeSetting(db, WATERMARK_KEY, now, 'reconcile');
    return { seen: 0, stored: 0, watermark: now };
  }
  let watermark = typeof stored === 'string' ? stored : options.syncFrom!;
  let seen = 0;
  let added = 0;
  let sinceSave = 0;
  for await (const post of client.listPosts(watermark)) {
    seen += 1;
    const deleted = 'deleted' in post;
    const version = deleted ? null : post.version;
    const result = await storeEvent(db, {
      eventId: `reconcile:${post.id}:${deleted ? `deleted:${post.updated_at}` : version}`,
      type: deleted ? 'post.deleted' : 'post.updated',
      postId: post.id,
      version,
      source: 'reconcile',
    });
    if (result === 'stored') added += 1;
    // Posts come oldest first: everything up to this one is stored.
    if (post.updated_at > watermark) watermark = post.updated_at;
    if (++sinceSave >= 200) {
      await writeSetting(db, WATERMARK_KEY, watermark, 'reconcile');
      sinceSave = 0;
    }
  }
  await writeSetting(db, WATERMARK_KEY, watermark, 'reconcile');
  if (added) logger.info('reconcile poll found changes the webhooks had not brought', { seen, stored: added, watermark });
  return { seen, stored: added, watermark };
}
