import { afterEach, expect, it } from 'vitest';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import type { PostInput } from '../../sync/numerik/types.js';
import { waitFor, workerEnv } from '../support/processes.js';
import { trackedProcesses } from '../support/tracked-processes.js';
import { syncFixture, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

forEachTarget(
  'inbound worker processes',
  (engine, target) => {
    let f: SyncFixture | undefined;
    const processes = trackedProcesses();
    afterEach(async () => {
      await f?.close();
    });
    const env = (fx: SyncFixture) => workerEnv(fx, target, { EXO_WORKER_CONCURRENCY: '4', EXO_WORKER_BATCH_SIZE: '25' });
    const count = async (fx: SyncFixture, table: string, column: string, values: string[]) =>
      Number(((await fx.db.table(table).whereIn(column, values).count({ n: '*' }))[0] as { n: number | string }).n);

    it('kill -9 mid-transaction: never a half-written activity; every event applied once after a restart', async () => {
      f = await syncFixture(engine);
      const posts = Array.from({ length: 300 }, (_, i) => f!.sandbox.store.createPost({ type: 'task', customer_id: f!.customers.acme, body_text: `Crash post ${i}` } as PostInput, f!.users.ann).post);
      for (const p of posts) await storeEvent(f.db, { eventId: `evt_${p.id}`, type: 'post.created', postId: p.id, version: 1, source: 'webhook' });
      const ids = posts.map((p) => p.id);
      f.sandbox.faults.set({ latencyMs: 20 });
      const victim = processes.spawn(['worker', '--direction', 'inbound'], env(f));
      await waitFor(async () => (await count(f!, OBJECTS.postLink, 'POST_ID', ids)) >= 40, 60_000, 'some posts to be applied');
      victim.child.kill('SIGKILL');
      await victim.exited;
      const activities = async () => Number(((await f!.db.table('TASKS').where('SUBJECT', 'like', 'Crash post %').count({ n: '*' }))[0] as { n: number | string }).n);
      // What the killed worker committed is whole: each activity has its link; nothing half-written.
      expect(await activities()).toBe(await count(f, OBJECTS.postLink, 'POST_ID', ids));
      expect(await activities()).toBeLessThan(300);

      f.sandbox.faults.clear();
      const survivor = processes.spawn(['worker', '--direction', 'inbound'], env(f));
      await waitFor(async () => Number(((await f!.db.table(OBJECTS.inbox).count({ n: '*' }))[0] as { n: number | string }).n) === 0, 60_000, 'the inbox to drain');
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
      expect(await activities()).toBe(300);
      expect(await count(f, OBJECTS.postLink, 'POST_ID', ids)).toBe(300);
      const subjects: { SUBJECT: string }[] = await f.db.table('TASKS').where('SUBJECT', 'like', 'Crash post %').select('SUBJECT');
      expect(new Set(subjects.map((s) => s.SUBJECT)).size).toBe(300);
    }, 150_000); // its two waits (60 s each), the events stored and the stopping
  },
  { processes: true },
);
