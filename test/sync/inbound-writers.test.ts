import { afterEach, expect, it } from 'vitest';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import type { PostInput } from '../../sync/numerik/types.js';
import { optionsSource } from '../../sync/options-source.js';
import { syncFixture, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

forEachTarget('inbound writers', (engine) => {
  let f: SyncFixture | undefined;
  afterEach(async () => {
    await f?.close();
  });

  it('fetches many posts at once but writes at most 4 to Exo at once, leaving the database to Exo and the receiver', async () => {
    f = await syncFixture(engine);
    const posts = Array.from({ length: 40 }, (_, i) => f!.sandbox.store.createPost({ type: 'task', customer_id: f!.customers.acme, body_text: `Writer ${i}` } as PostInput, f!.users.ann).post);
    for (const p of posts) await storeEvent(f.db, { eventId: `evt_${p.id}`, type: 'post.created', postId: p.id, version: 1, source: 'webhook' });
    // Open transactions, as the driver sees them: each sync write is one (BEGIN … COMMIT).
    const open = new Set<string>();
    let most = 0;
    f.db.knex.on('query', (q: { sql: string; __knexTxId?: string }) => {
      if (!q.__knexTxId) return;
      if (/^BEGIN/i.test(q.sql)) open.add(q.__knexTxId);
      if (/^(COMMIT|ROLLBACK)/i.test(q.sql)) open.delete(q.__knexTxId);
      most = Math.max(most, open.size);
    });
    f.sandbox.faults.set({ latencyMs: 20 });
    const worker = new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options), batchSize: 40, concurrency: 16 });
    await worker.drain();
    expect(Number(((await f.db.table(OBJECTS.postLink).count({ n: '*' }))[0] as { n: number | string }).n)).toBe(40);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(4);
  });
});
