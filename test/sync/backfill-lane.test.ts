import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { HISTORY_OPERATION } from '../../db/plugin/queue/lanes.js';
import { waitingOf } from '../../db/plugin/queue/waiting-of.js';
import { runBackfill } from '../../sync/backfill/backfill.js';
import { NumerikClient } from '../../sync/numerik/client.js';
import { waitFor } from '../support/processes.js';
import { forEachTarget } from '../support/targets.js';
import { postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const day = new Date(Date.UTC(2026, 0, 5, 9, 0, 0));
/** The backfill's range: every activity history() makes. */
const range = { since: new Date(Date.UTC(2026, 0, 1)), until: new Date(Date.UTC(2026, 0, 10)) };

/** Activities from before the sync was enabled: in TASKS, never queued. */
async function history(f: SyncFixture, count: number): Promise<number[]> {
  await f.seed.tasks(count, (i) => ({ subject: `Old ${i}`, details: `History ${i}`, companyId: 'D101', assignedTo: f.staff.ann, createdAt: day }));
  await f.db.table(OBJECTS.queue).del();
  await f.db.table(OBJECTS.queueSets).del();
  return ((await f.db.table('TASKS').where('SUBJECT', 'like', 'Old %').select('SEQNO')) as { SEQNO: number }[]).map((r) => Number(r.SEQNO));
}

/** A backfill's queue position, read from the queue: how many of its activities still wait. */
const historyWaiting = (f: SyncFixture) => f.db.table(OBJECTS.queue).where({ OPERATION: HISTORY_OPERATION }).count({ n: '*' }).then(([r]) => Number((r as { n: number | string }).n));

/** A way to Numerik (the sandbox at `target`) that counts the most requests Numerik had in hand at once. */
async function countingProxy(target: string) {
  let inHand = 0;
  let most = 0;
  const server = createServer((req, res) => {
    most = Math.max(most, (inHand += 1));
    res.on('close', () => (inHand -= 1));
    const onward = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    onward.on('error', () => res.destroy());
    req.pipe(onward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    most: () => most,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

forEachTarget('backfill lane', (engine) => {
  it('a backfill queues its history in its own lane: a live edit is claimed ahead of the history queued before it', async () => {
    const f = await syncFixture(engine);
    try {
      const keys = await history(f, 40);
      const abort = new AbortController();
      // No worker yet: the backfill queues its two chunks and waits for them to be sent.
      const backfill = runBackfill(f.db, range, { chunk: 20, pollMs: 10, signal: abort.signal });
      await waitFor(async () => (await historyWaiting(f)) === 40, 20_000, 'the backfill to queue two chunks');
      abort.abort();
      expect(await backfill).toEqual({ finished: false, enqueued: 40 });
      const live = await f.seed.task({ subject: 'Live edit', companyId: 'D101', assignedTo: f.staff.ann });

      const worker = f.worker({ batchSize: 5 });
      expect(await worker.runBatch('live')).toBe(1);
      expect([...postsByActivity(f.sandbox).keys()]).toEqual([live]);
      // (Writing the post's address back to the activity queues it once more, live, to be found unchanged.)
      while (await worker.runBatch('live'));
      expect(await waitingOf(f.db, keys)).toBe(40);
      expect(await worker.runBatch('history')).toBe(5);
      expect(postsByActivity(f.sandbox).size).toBe(6);
      // Their posts' views written back to Exo were queued as edits: in the history lane, not the live one.
      expect(await worker.runBatch('live')).toBe(0);
      expect(await historyWaiting(f)).toBe(40);
    } finally {
      await f.close();
    }
  });

  it('during a backfill, a live edit reaches Numerik while most of the history queued before it still waits', async () => {
    const f = await syncFixture(engine);
    try {
      const keys = await history(f, 200);
      f.sandbox.faults.set({ latencyMs: 20 });
      const backfill = runBackfill(f.db, range, { chunk: 50, pollMs: 10 });
      await waitFor(async () => (await historyWaiting(f)) === 100, 20_000, 'the backfill to queue two chunks');
      const live = await f.seed.task({ subject: 'Live edit', companyId: 'D101', assignedTo: f.staff.ann });
      // Small batches, few sends at once: 100 history activities take seconds; one live edit, a poll and a send.
      const worker = f.worker({ batchSize: 10, concurrency: 2 });
      worker.start();
      try {
        await waitFor(() => postsByActivity(f.sandbox).has(live), 20_000, 'the live edit to reach Numerik');
        // Claimed by key alone, the live row would wait until all 100 were claimed (at most one batch of 10 left).
        expect(await waitingOf(f.db, keys)).toBeGreaterThanOrEqual(50);
        expect(await backfill).toEqual({ finished: true, enqueued: 200 });
      } finally {
        await worker.stop();
      }
      const posts = postsByActivity(f.sandbox);
      expect(posts.size).toBe(201);
      expect([...posts.values()].every((p) => p.length === 1)).toBe(true);
      expect(await f.queueDepth()).toBe(0);
    } finally {
      await f.close();
    }
  }, 120_000);

  it('the two lanes share worker.concurrency: Numerik never has more of the sends at once, and live changes still go first', async () => {
    const f = await syncFixture(engine);
    const numerik = await countingProxy(f.sandbox.url);
    const client = new NumerikClient({ baseUrl: numerik.url, token: f.sandbox.token, backoff: { baseMs: 10, capMs: 100 } });
    try {
      const keys = await history(f, 100);
      const backfill = runBackfill(f.db, range, { chunk: 50, pollMs: 10 });
      await waitFor(async () => (await historyWaiting(f)) === 100, 20_000, 'the backfill to queue two chunks');
      const live: number[] = [];
      for (let i = 0; i < 20; i += 1) live.push(await f.seed.task({ subject: `Live ${i}`, companyId: 'D101', assignedTo: f.staff.ann }));
      // Sends that last: both lanes have sends waiting for the whole of the live work.
      f.sandbox.faults.set({ latencyMs: 50 });
      const worker = f.worker({ client, batchSize: 10, concurrency: 3 });
      worker.start();
      try {
        await waitFor(() => live.every((key) => postsByActivity(f.sandbox).has(key)), 60_000, 'the live edits to reach Numerik');
        expect(await waitingOf(f.db, keys)).toBeGreaterThanOrEqual(50);
        expect(await backfill).toEqual({ finished: true, enqueued: 100 });
      } finally {
        await worker.stop();
      }
      expect(postsByActivity(f.sandbox).size).toBe(120);
      expect(numerik.most()).toBeLessThanOrEqual(3);
      // The bound is met by sends in flight together, not by sends one at a time.
      expect(numerik.most()).toBeGreaterThan(1);
    } finally {
      await client.close();
      await numerik.close();
      await f.close();
    }
  }, 120_000);
});
