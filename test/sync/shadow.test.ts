import { expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { writeSetting } from '../../db/plugin/settings.js';
import type { Service } from '../../service/service.js';
import { waitFor } from '../support/processes.js';
import { forEachTarget } from '../support/targets.js';
import { postsByActivity, settled, withRunningSite, type SyncFixture } from '../support/sync.js';

forEachTarget('shadow mode: decides as usual, sends and writes nothing, then sends everything once', (engine) => {
  let f: SyncFixture;
  let service: Service;
  withRunningSite(engine, { shadow: true }, (site) => ({ f, service } = site));

  it('writes nothing to either side while on; switched off, sends what waited, in order, exactly once', async () => {
    const count = async (table: string, where: Record<string, unknown> = {}) => Number(((await f.db.table(table).where(where).count({ n: '*' }))[0] as { n: number | string }).n);
    const writes = () => ['POST /posts', 'PATCH /posts/:id', 'DELETE /posts/:id'].map((r) => f.sandbox.calls.get(r) ?? 0);
    const first = await f.seed.task({ subject: 'First', details: 'First\nv1', companyId: 'D101' });
    await f.db.table('TASKS').where({ SEQNO: first }).update({ DETAILS: 'First\nv2' });
    await f.db.table('TASKS').where({ SEQNO: first }).update({ DETAILS: 'First\nv3, the last edit' });
    const second = await f.seed.task({ subject: 'Second', companyId: 'D101' });
    const waiting = await f.seed.task({ subject: 'Kitchen', companyId: 'D102' });
    const post = f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: 'From Numerik\nmet at the fair' }, f.users.ann).post;
    const tasksBefore = await count('TASKS');
    const writesBefore = writes();

    await waitFor(async () => (await count(OBJECTS.queue)) > 0 && (await count(OBJECTS.inbox)) > 0 && (await count(OBJECTS.queue, { STATE: 'shadowed' })) === (await count(OBJECTS.queue)) && (await count(OBJECTS.inbox, { STATE: 'shadowed' })) === (await count(OBJECTS.inbox)), 20_000, 'every change to be decided in shadow');
    expect(await count('TASKS')).toBe(tasksBefore);
    expect(await count(OBJECTS.postLink)).toBe(0);
    expect(writes()).toEqual(writesBefore);
    expect(f.sandbox.store.posts.size).toBe(1);
    expect(Number(((await f.db.table('TASKS').whereNotNull('X_NUMERIK_STATE').count({ n: '*' }))[0] as { n: number | string }).n)).toBe(0);
    const status = await service.operations.status();
    expect(status.shadow.enabled).toBe(true);
    const said = status.shadow.items.map((i) => `${i.direction} ${i.activitySeqno ?? i.postId}: ${i.reason}`);
    expect(said).toContain(`outbound ${second}: would have created: a new task`);
    expect(said).toContain(`outbound ${waiting}: would have parked: customer not linked`);
    expect(said).toContain(`inbound ${post.id}: would have created: a new activity from the note`);

    await writeSetting(f.db, 'shadow', false, 'test');
    await waitFor(async () => (await count(OBJECTS.queue, { STATE: 'shadowed' })) + (await count(OBJECTS.inbox, { STATE: 'shadowed' })) === 0, 20_000, 'shadow mode to end');
    await settled(f);
    const posts = postsByActivity(f.sandbox);
    expect(posts.get(first)).toHaveLength(1);
    expect(posts.get(first)![0]!.body_text).toBe('First\nv3, the last edit');
    expect(posts.get(second)).toHaveLength(1);
    expect(posts.get(waiting)).toBeUndefined();
    expect(await count(OBJECTS.postLink, { POST_ID: post.id })).toBe(1);
    expect((await service.operations.status()).shadow).toMatchObject({ enabled: false, total: 0 });
  });
});
