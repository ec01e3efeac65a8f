import { afterAll, beforeAll, expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { silentLogger } from '../../logging/logger.js';
import { startService, type Service } from '../../service/service.js';
import type { PostInput } from '../../sync/numerik/types.js';
import { registerWebhook } from '../../sync/webhooks.js';
import { settled, syncFixture, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

forEachTarget('Numerik → Exo recovery', (engine) => {
  let f: SyncFixture;
  let service: Service | undefined;
  const start = () => startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0 } });

  beforeAll(async () => {
    f = await syncFixture(engine);
  });
  afterAll(async () => {
    await service?.stop();
    await f.close();
  });

  it('receiver stopped while 100 posts change, then started: the reconcile poll brings all 100', async () => {
    service = await start();
    await registerWebhook(f.db, f.client, `${service.url}/webhooks/numerik`);
    const posts = Array.from({ length: 100 }, (_, i) => f.sandbox.store.createPost({ type: 'task', customer_id: f.customers.acme, body_text: `Post ${i}` } as PostInput, f.users.ann).post);
    await settled(f);
    expect(await f.db.table(OBJECTS.postLink).whereIn('POST_ID', posts.map((p) => p.id)).count({ n: '*' }).then((r) => Number((r[0] as { n: number }).n))).toBe(100);

    await service.stop();
    for (const p of posts) f.sandbox.store.updatePost(p.id, { body_text: `${p.body_text}, changed while nobody listened` });
    // The webhooks keep failing: they go to the old address. The poll at start-up finds the changes.
    service = await start();
    await settled(f, { webhooks: false });
    const rows: { SEQNO: number; DETAILS: string }[] = await f.db.table('TASKS').whereIn('SEQNO', f.db.table(OBJECTS.postLink).whereIn('POST_ID', posts.map((p) => p.id)).select('ACTIVITY_SEQNO')).select('SEQNO', 'DETAILS');
    expect(rows).toHaveLength(100);
    expect(rows.filter((r) => !r.DETAILS.endsWith('changed while nobody listened'))).toEqual([]);
  });
});
