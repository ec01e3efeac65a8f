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
    // Transactions open at once, each counted from knex starting it (before its BEGIN) until its
    // connection is back in the pool (after its COMMIT or ROLLBACK), so never fewer than the
    // database sees. Counted at knex's client, the same on every engine: knex's mssql client
    // begins and commits through tedious, which emits no query event for either.
    let open = 0;
    let most = 0;
    const client = f.db.knex.client as { transaction(...args: unknown[]): PromiseLike<unknown> };
    const begin = client.transaction.bind(client);
    client.transaction = (...args: unknown[]) => {
      const trx = begin(...args);
      if (args[2]) return trx; // a savepoint inside one: no new transaction
      most = Math.max(most, ++open);
      const done = () => {
        open -= 1;
      };
      trx.then(done, done);
      return trx;
    };
    f.sandbox.faults.set({ latencyMs: 20 });
    const worker = new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options), batchSize: 40, concurrency: 16 });
    await worker.drain();
    expect(Number(((await f.db.table(OBJECTS.postLink).count({ n: '*' }))[0] as { n: number | string }).n)).toBe(40);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(4);
  });
});
