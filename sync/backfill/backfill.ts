import type { Db } from '../../db/connect.js';
import { countHistory, historyPage, type ChangeRange } from '../../db/exo/history.js';
import { enqueueActivities } from '../../db/plugin/queue/enqueue.js';
import { HISTORY_OPERATION } from '../../db/plugin/queue/lanes.js';
import { waitingOf } from '../../db/plugin/queue/waiting-of.js';
import { deleteSetting, readSettings, writeSetting } from '../../db/plugin/settings.js';

/** Where a backfill got to (X_NUMERIK_SETTINGS): a new run over the same range carries on from there. */
export const BACKFILL_KEY = 'state.backfill';

interface BackfillState {
  since: string;
  until: string | null;
  /** Every activity up to this key is in the queue (or was sent). */
  lastSeqno: number;
  enqueued: number;
}

export interface BackfillProgress {
  total: number;
  sent: number;
}

export interface BackfillOptions {
  /** Activities queued at a time; at most two such chunks wait, in the history lane (live changes never wait behind them). */
  chunk?: number;
  /** At most this many activities queued per second (Numerik's rate limit, the site's bandwidth). */
  ratePerSecond?: number;
  onProgress?(progress: BackfillProgress): void;
  /** Stops after the current step; what was queued stays queued, and the next run resumes. */
  signal?: AbortSignal;
  pollMs?: number;
}

const sameRange = (state: BackfillState, range: ChangeRange) => state.since === range.since.toISOString() && state.until === (range.until?.toISOString() ?? null);

async function storedState(db: Db, range: ChangeRange): Promise<BackfillState | undefined> {
  const state = (await readSettings(db))[BACKFILL_KEY] as BackfillState | undefined;
  return state && sameRange(state, range) ? state : undefined;
}

/** What a backfill of `range` would send, and where an interrupted one stopped. */
export async function planBackfill(db: Db, range: ChangeRange): Promise<{ remaining: number; resumeAfter: number | null; enqueued: number }> {
  const state = await storedState(db, range);
  return { remaining: await countHistory(db, range, state?.lastSeqno ?? 0), resumeAfter: state?.lastSeqno ?? null, enqueued: state?.enqueued ?? 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends the history of `range` (first enable syncs nothing historical): queues the activities in key
 * order, a chunk at a time, and only while at most two chunks wait. They go in the queue's history
 * lane, which workers claim apart from live changes: a live edit made meanwhile is sent as soon as
 * it would be without a backfill, however long the history. Memory stays constant (one page of
 * keys); the position is saved with each chunk in the same transaction, so an interrupted backfill
 * resumes where it stopped.
 * Returns whether it got to the end.
 */
export async function runBackfill(db: Db, range: ChangeRange, o: BackfillOptions = {}): Promise<{ finished: boolean; enqueued: number }> {
  const chunk = o.chunk ?? 200;
  const pollMs = o.pollMs ?? 100;
  const state: BackfillState = (await storedState(db, range)) ?? { since: range.since.toISOString(), until: range.until?.toISOString() ?? null, lastSeqno: 0, enqueued: 0 };
  const total = state.enqueued + (await countHistory(db, range, state.lastSeqno));
  let inFlight: number[][] = [];
  let nextAt = 0;
  let exhausted = false;
  for (;;) {
    const waiting = await Promise.all(inFlight.map((keys) => waitingOf(db, keys)));
    inFlight = inFlight.filter((_, i) => waiting[i]! > 0);
    o.onProgress?.({ total, sent: state.enqueued - waiting.reduce((a, b) => a + b, 0) });
    if (exhausted && !inFlight.length) break;
    if (o.signal?.aborted) return { finished: false, enqueued: state.enqueued };
    if (exhausted || inFlight.length >= 2 || Date.now() < nextAt) {
      await sleep(pollMs);
      continue;
    }
    const page = await historyPage(db, range, state.lastSeqno, chunk);
    if (!page.length) {
      exhausted = true;
      continue;
    }
    state.lastSeqno = page[page.length - 1]!;
    state.enqueued += page.length;
    await db.knex.transaction(async (trx) => {
      await enqueueActivities(db, page, trx, { operation: HISTORY_OPERATION });
      await writeSetting(db, BACKFILL_KEY, state, 'backfill', trx);
    });
    inFlight.push(page);
    if (o.ratePerSecond) nextAt = Date.now() + (page.length / o.ratePerSecond) * 1000;
  }
  await deleteSetting(db, BACKFILL_KEY);
  return { finished: true, enqueued: state.enqueued };
}
