import { expect, it } from 'vitest';
import { readSettings } from '../../db/plugin/settings.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { BACKFILL_KEY, planBackfill, runBackfill, type BackfillProgress } from '../../sync/backfill/backfill.js';
import { runCli } from '../support/cli.js';
import { spawnCli, waitFor, workerEnv } from '../support/processes.js';
import { forEachTarget } from '../support/targets.js';
import { postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const day = (d: number) => new Date(Date.UTC(2026, 0, d, 9, 0, 0));

/** Activities from before the sync was enabled: in TASKS, never queued. */
async function history(f: SyncFixture, count: number, createdOn: (i: number) => Date): Promise<void> {
  await f.seed.tasks(count, (i) => ({ subject: `Old ${i}`, details: `History ${i}`, companyId: 'D101', assignedTo: f.staff.ann, createdAt: createdOn(i) }));
  await f.db.table(OBJECTS.queue).del();
  await f.db.table(OBJECTS.queueSets).del();
}

forEachTarget('backfill', (engine) => {
  it('sends only what changed in the range, in chunks, reports progress, and forgets its position when done', async () => {
    const f = await syncFixture(engine);
    try {
      await history(f, 30, (i) => day(i % 2 ? 10 : 20));
      const range = { since: day(15), until: day(25) };
      expect(await planBackfill(f.db, range)).toEqual({ remaining: 15, resumeAfter: null, enqueued: 0 });
      const worker = f.worker();
      worker.start();
      const seen: BackfillProgress[] = [];
      const result = await runBackfill(f.db, range, { chunk: 4, pollMs: 20, onProgress: (p) => seen.push(p) });
      await worker.stop();
      expect(result).toEqual({ finished: true, enqueued: 15 });
      expect(seen.at(-1)).toEqual({ total: 15, sent: 15 });
      expect(seen.every((p) => p.sent <= p.total)).toBe(true);
      const posted = [...postsByActivity(f.sandbox).values()].flat().map((p) => p.body_text.split('\n')[0]);
      expect(posted.sort()).toEqual(Array.from({ length: 15 }, (_, i) => `Old ${i * 2}`).sort());
      expect((await readSettings(f.db))[BACKFILL_KEY]).toBeUndefined();
    } finally {
      await f.close();
    }
  });

  it('an interrupted backfill resumes where it stopped', async () => {
    const f = await syncFixture(engine);
    try {
      await history(f, 20, () => day(5));
      const range = { since: day(1) };
      const abort = new AbortController();
      const first = await runBackfill(f.db, range, { chunk: 5, pollMs: 10, signal: abort.signal, onProgress: (p) => p.sent === 0 && p.total === 20 && setTimeout(() => abort.abort(), 0) });
      expect(first.finished).toBe(false);
      const plan = await planBackfill(f.db, range);
      expect(plan.enqueued).toBeGreaterThan(0);
      expect(plan.remaining).toBe(20 - plan.enqueued);
      const worker = f.worker();
      worker.start();
      expect(await runBackfill(f.db, range, { chunk: 5, pollMs: 10 })).toEqual({ finished: true, enqueued: 20 });
      await worker.stop();
      expect(postsByActivity(f.sandbox).size).toBe(20);
    } finally {
      await f.close();
    }
  });
});

forEachTarget(
  'exo-numerik backfill',
  (engine, target) => {
    it('--dry-run counts and queues nothing; a run killed with SIGKILL resumes on the next run, with no duplicates', async () => {
      const f = await syncFixture(engine);
      try {
        await history(f, 120, () => day(3));
        f.sandbox.faults.set({ latencyMs: 30 });
        const env = workerEnv(f, target, { EXO_WORKER_BATCH_SIZE: '10', EXO_WORKER_CONCURRENCY: '2' });
        const dry = await runCli(['backfill', '--since', '2026-01-01', '--dry-run'], { cwd: process.cwd(), env });
        expect(dry.stdout).toBe('would send 120 activities changed since 2026-01-01T00:00; nothing queued\n');
        expect(await f.queueDepth()).toBe(0);

        const first = spawnCli(['backfill', '--since', '2026-01-01', '--chunk', '10'], env);
        const enqueued = async () => ((await readSettings(f.db))[BACKFILL_KEY] as { enqueued?: number } | undefined)?.enqueued ?? 0;
        await waitFor(async () => (await enqueued()) >= 30, 60_000, 'the backfill to get going');
        first.child.kill('SIGKILL');
        await first.exited;
        const sentBefore = f.sandbox.store.posts.size;
        expect(sentBefore).toBeLessThan(120);

        const second = await runCli(['backfill', '--since', '2026-01-01', '--chunk', '10'], { cwd: process.cwd(), env, timeoutMs: 120_000 });
        expect(second.stdout).toMatch(/^backfill: \d+ activities to send \(resuming after activity \d+; \d+ queued before\)\nbackfill done: 120 activities sent/);
        expect(second.code).toBe(0);
        const posts = postsByActivity(f.sandbox);
        expect(posts.size).toBe(120);
        expect([...posts.values()].every((p) => p.length === 1)).toBe(true);
        expect(await f.queueDepth()).toBe(0);
      } finally {
        await f.close();
      }
    }, 180_000);
  },
  { processes: true },
);
