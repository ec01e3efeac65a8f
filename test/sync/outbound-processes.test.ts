import { afterEach, expect, it } from 'vitest';
import { splitDetails } from '../../sync/lens/details.js';
import { postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';
import { waitFor, workerEnv } from '../support/processes.js';
import { trackedProcesses } from '../support/tracked-processes.js';
import { forEachTarget } from '../support/targets.js';

forEachTarget(
  'outbound worker processes',
  (engine, target) => {
    let f: SyncFixture | undefined;
    const processes = trackedProcesses();
    afterEach(async () => {
      await f?.close();
    });

    it('kill -9 of a worker mid-batch: after recovery every change is in Numerik exactly once', async () => {
      f = await syncFixture(engine);
      await f.seed.tasks(400, (i) => ({ subject: `Crash ${i}`, details: `details ${i}`, companyId: 'D101' }));
      f.sandbox.faults.set({ latencyMs: 30 });
      const victim = processes.spawn(['worker'], workerEnv(f, target, { EXO_WORKER_CONCURRENCY: '4', EXO_WORKER_BATCH_SIZE: '50' }));
      await waitFor(() => f!.sandbox.store.posts.size >= 60, 60_000, 'the worker to create some posts');
      victim.child.kill('SIGKILL');
      await victim.exited;
      const createdBeforeKill = f.sandbox.store.posts.size;
      expect(createdBeforeKill).toBeLessThan(400);

      f.sandbox.faults.clear();
      const survivor = processes.spawn(['worker'], workerEnv(f, target));
      await waitFor(async () => (await f!.queueDepth()) === 0, 60_000, 'the queue to drain after the crash');
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);

      const posts = postsByActivity(f.sandbox);
      const tasks: { SEQNO: number }[] = await f.db.table('TASKS').select('SEQNO');
      expect(tasks).toHaveLength(400);
      const lost = tasks.filter((t) => !posts.has(t.SEQNO));
      const duplicated = [...posts.values()].filter((p) => p.length > 1);
      expect({ lost: lost.length, duplicated: duplicated.length, posts: f.sandbox.store.posts.size }).toEqual({ lost: 0, duplicated: 0, posts: 400 });
    }, 150_000); // its two waits (60 s each), the seeding and the stopping

    it('two worker processes draining 2,000 changes at once: each post created once, at its final state', async () => {
      f = await syncFixture(engine);
      const workers = [processes.spawn(['worker'], workerEnv(f, target)), processes.spawn(['worker'], workerEnv(f, target))];
      await f.seed.tasks(1000, (i) => ({ subject: `Race ${i}`, companyId: 'D101' }));
      await f.db.table('TASKS').update({ DETAILS: f.db.knex.raw(`CONCAT('final ', ${f.db.dialect.quote('SUBJECT')})`) });
      await waitFor(async () => (await f!.queueDepth()) === 0 && f!.sandbox.store.posts.size === 1000, 120_000, '2,000 changes to drain');
      for (const w of workers) w.child.kill('SIGTERM');
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);

      const posts = postsByActivity(f.sandbox);
      const rows: { SEQNO: number; DETAILS: string }[] = await f.db.table('TASKS').select('SEQNO', 'DETAILS');
      const wrong = rows.filter((r) => {
        const p = posts.get(r.SEQNO);
        return !p || p.length !== 1 || p[0]!.body_text !== splitDetails(r.DETAILS).body || !r.DETAILS.includes('final Race');
      });
      expect(wrong).toEqual([]);
    }, 180_000); // its wait for the drain (120 s), the seeding and the stopping
  },
  { processes: true },
);
