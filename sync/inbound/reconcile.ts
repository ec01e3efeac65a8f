import type { Db } from '../../db/connect.js';
import { STORABLE_ID, storeEvent } from '../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../db/plugin/objects.js';
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
    if (!STORABLE_ID.test(post.id) || post.id.length > 64) {
      // Numerik listed a post whose id the inbox cannot hold: said once per poll, and passed over.
      logger.warn('reconcile poll: a post id the inbox cannot hold was passed over', { length: post.id.length });
      if (post.updated_at > watermark) watermark = post.updated_at;
      continue;
    }
    if (await alreadyKnown(db, post.id, version)) {
      if (post.updated_at > watermark) watermark = post.updated_at;
      continue;
    }
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
  if (added) logger.info(`reconcile poll found ${added === 1 ? '1 change' : `${added} changes`} the webhooks had not brought`, { seen, stored: added, watermark });
  return { seen, stored: added, watermark };
}

/**
 * A change the poll need not store: the link has that version already, an event for it waits in
 * the inbox (its webhook came), or the post is an open dead letter (it stays one until an operator
 * retries it, across restarts).
 */
async function alreadyKnown(db: Db, postId: string, version: number | null): Promise<boolean> {
  const [link, waiting, dead] = await Promise.all([
    db.table(OBJECTS.postLink).where({ POST_ID: postId }).first('NUMERIK_VERSION', 'STATE'),
    db.table(OBJECTS.inbox).where({ POST_ID: postId }).andWhere((q) => (version === null ? q.whereNull('POST_VERSION') : q.whereNull('POST_VERSION').orWhere('POST_VERSION', '>=', version))).first('ID'),
    db.table(OBJECTS.log).where({ KIND: 'dead', POST_ID: postId }).whereNull('RESOLVED_AT').first('ID'),
  ]);
  const l = link as { NUMERIK_VERSION: number | null; STATE: string } | undefined;
  const synced = version === null ? l?.STATE === 'deleted' : l?.NUMERIK_VERSION != null && l.NUMERIK_VERSION >= version;
  return synced || !!waiting || !!dead;
}
