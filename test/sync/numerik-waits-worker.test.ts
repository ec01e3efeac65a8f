import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { optionsSource } from '../../sync/options-source.js';
import { NumerikClient } from '../../sync/numerik/client.js';
import { waitFor } from '../support/processes.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, syncFixture, type SyncFixture } from '../support/sync.js';

/** Issue 24: a worker that must wait for Numerik hands its claimed work back instead of sleeping on it. */
forEachTarget('workers waiting for Numerik', (engine) => {
  let f: SyncFixture;
  let client: NumerikClient;
  const allCalls = () => [...f.sandbox.calls.values()].reduce((a, b) => a + b, 0);
  type WorkRow = { STATE: string; CLAIMED_BY: string | null; ATTEMPTS: number; LAST_ERROR: string | null; NEXT_ATTEMPT_AT: Date };
  const queueRows = (): Promise<WorkRow[]> => f.db.table(OBJECTS.queue).select('STATE', 'CLAIMED_BY', 'ATTEMPTS', 'LAST_ERROR', 'NEXT_ATTEMPT_AT').orderBy('ID');

  beforeAll(async () => {
    f = await syncFixture(engine);
  });
  afterAll(() => f.close());
  afterEach(async () => {
    f.sandbox.faults.clear();
    await f.db.table(OBJECTS.queue).delete();
    await f.db.table(OBJECTS.inbox).delete();
    await client.close();
  });
  // Each test its own client: the pause Numerik asks for outlives the test that caused it.
  const worker = () => {
    client = new NumerikClient({ baseUrl: f.sandbox.url, token: f.sandbox.token, backoff: { baseMs: 10, capMs: 100 }, onWait: () => undefined });
    return f.worker({ client });
  };

  it('on Retry-After 900 a batch is handed back at once, uncounted, ready when Numerik is; nothing is claimed or called meanwhile', async () => {
    const w = worker();
    for (const subject of ['One', 'Two', 'Three']) await f.seed.task({ subject, companyId: 'D101' });
    f.sandbox.faults.set({ rateLimitForMs: 60_000, retryAfterSeconds: 900 });
    const calls = allCalls();
    const started = Date.now();
    expect(await w.runBatch()).toBeGreaterThanOrEqual(3);
    // Not the 900 s asked for (a loaded SQL Server takes seconds for the batch's own reads and writes).
    expect(Date.now() - started).toBeLessThan(60_000);
    // The first 429 pauses every call after it: at most the sends already in flight met it.
    expect(allCalls() - calls).toBeLessThanOrEqual(3);
    const rows = await queueRows();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row).toMatchObject({ STATE: 'ready', CLAIMED_BY: null, ATTEMPTS: 0 });
      expect(row.LAST_ERROR).toMatch(/^Numerik asks to wait \d+ s \(429\), longer than the 5 s exo-numerik waits at a time: try again after \d\d:\d\d:\d\d UTC/);
      expect(new Date(row.NEXT_ATTEMPT_AT).getTime()).toBeGreaterThan(Date.now() + 880_000);
    }
    expect(w.stats).toMatchObject({ retried: rows.length, dead: 0, created: 0 });
    expect(await logEntries(f.db, 'dead')).toEqual([]);
    // While Numerik asks to wait, the worker claims nothing and calls nothing.
    const after = allCalls();
    expect(await w.runBatch()).toBe(0);
    expect(allCalls()).toBe(after);
  });

  it('the inbound worker too: on Retry-After 900 its events go back to the inbox at once, uncounted, ready when Numerik is', async () => {
    client = new NumerikClient({ baseUrl: f.sandbox.url, token: f.sandbox.token, backoff: { baseMs: 10, capMs: 100 }, onWait: () => undefined });
    const w = new InboundWorker({ db: f.db, client, options: optionsSource(f.db, f.options), leaseMs: 10_000 });
    for (const id of ['pst_a', 'pst_b']) await storeEvent(f.db, { eventId: `evt_${id}`, type: 'post.updated', postId: id, version: 2, source: 'webhook' });
    f.sandbox.faults.set({ rateLimitForMs: 60_000, retryAfterSeconds: 900 });
    expect(await w.runBatch()).toBe(2);
    const rows: WorkRow[] = await f.db.table(OBJECTS.inbox).select('STATE', 'CLAIMED_BY', 'ATTEMPTS', 'LAST_ERROR', 'NEXT_ATTEMPT_AT');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ STATE: 'ready', CLAIMED_BY: null, ATTEMPTS: 0 });
      expect(row.LAST_ERROR).toMatch(/^Numerik asks to wait \d+ s \(429\), longer than the 5 s exo-numerik waits at a time/);
      expect(new Date(row.NEXT_ATTEMPT_AT).getTime()).toBeGreaterThan(Date.now() + 880_000);
    }
    expect(w.stats).toMatchObject({ retried: 2, dead: 0 });
    expect(await w.runBatch()).toBe(0);
  });

  it('sync --once (drain) waits out a Retry-After of 8 s without holding the work, then sends it all', async () => {
    const w = worker();
    for (const subject of ['Four', 'Five']) await f.seed.task({ subject, companyId: 'D101' });
    f.sandbox.faults.set({ rateLimitForMs: 7_000, retryAfterSeconds: 8 });
    const calls = allCalls();
    const drained = w.drain();
    await waitFor(() => allCalls() > calls, 10_000, 'the first call');
    const refused = Date.now();
    // Well within the 8 s asked for, the work is back in the queue for any worker, its attempt not counted.
    const handedBack = async () => (await queueRows()).every((row) => row.STATE === 'ready' && row.CLAIMED_BY === null);
    await waitFor(handedBack, 4_000, 'the batch handed back');
    for (const row of await queueRows()) expect(row).toMatchObject({ STATE: 'ready', CLAIMED_BY: null, ATTEMPTS: 0 });
    const stats = await drained;
    expect(Date.now() - refused).toBeGreaterThanOrEqual(7_500);
    expect(stats).toMatchObject({ created: 2, dead: 0 });
    expect(await f.queueDepth()).toBe(0);
  }, 90_000);
});
