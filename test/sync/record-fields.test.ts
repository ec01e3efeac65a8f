import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { writeRecordFields } from '../../db/exo/record-fields.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { optionsSource } from '../../sync/options-source.js';
import { forEachTarget } from '../support/targets.js';
import { deadLetteredActivity, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const SYNCED = /^In Numerik · synced \d{1,2} [A-Z][a-z]{2} \d\d:\d\d$/;

forEachTarget('what an Exo user sees on the activity: the post link and the sync state', (engine) => {
  let f: SyncFixture;
  const fields = async (seqno: number) =>
    (await f.db.table('TASKS').where({ SEQNO: seqno }).first('X_NUMERIK_POST', 'X_NUMERIK_STATE', 'MODIFIEDDATE', 'MODIFIEDBY')) as {
      X_NUMERIK_POST: string | null;
      X_NUMERIK_STATE: string | null;
      MODIFIEDDATE: Date | null;
      MODIFIEDBY: number | null;
    };
  const onlyPost = (seqno: number) => postsByActivity(f.sandbox).get(seqno)![0]!;
  const drain = () => f.worker().drain();

  beforeAll(async () => {
    f = await syncFixture(engine);
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.faults.clear());

  it('"Waiting: customer not linked" becomes "In Numerik" with the post\'s address once the customer is linked', async () => {
    const id = await f.seed.task({ subject: 'Quote', details: 'Quote\n40 chairs', companyId: 'D102', assignedTo: f.staff.ann });
    await drain();
    expect(await fields(id)).toMatchObject({ X_NUMERIK_POST: null, X_NUMERIK_STATE: 'Waiting: customer not linked' });

    f.sandbox.store.upsertCustomer({ name: 'Kiwi Kitchens', external_ref: 'DR:102' });
    expect((await f.refresh()).requeued).toBeGreaterThanOrEqual(1);
    await drain();
    const after = await fields(id);
    const post = onlyPost(id);
    expect(after.X_NUMERIK_STATE).toMatch(SYNCED);
    expect(after.X_NUMERIK_POST).toBe(`${f.sandbox.url}/app/posts/${post.id}`);
    // The link leads to the post's page in (the sandbox's) Numerik.
    const page = await fetch(after.X_NUMERIK_POST!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('40 chairs');
  });

  it('the fields are written as the sync: no queue row, no change to MODIFIEDDATE or MODIFIEDBY', async () => {
    const modified = new Date('2026-11-30T08:15:00.000Z');
    const id = await f.seed.task({ subject: 'Visit', details: 'Visit\nBring samples', companyId: 'D101', createdAt: modified });
    await f.db.table('TASKS').where({ SEQNO: id }).update({ MODIFIEDBY: f.staff.raj });
    await drain();
    const after = await fields(id);
    expect(after.X_NUMERIK_STATE).toMatch(SYNCED);
    expect(after.MODIFIEDDATE).toEqual(modified);
    expect(after.MODIFIEDBY).toBe(f.staff.raj);
    expect(await f.queueDepth()).toBe(0);
  });

  it('a sync that carries nothing across leaves the state as it is; one that does names its time', async () => {
    const id = await f.seed.task({ subject: 'Ring', details: 'Ring\nback', companyId: 'D101' });
    await drain();
    await f.db.table('TASKS').where({ SEQNO: id }).update({ X_NUMERIK_STATE: 'In Numerik · synced 1 Jan 00:00' });
    await f.db.table(OBJECTS.queue).insert({ ACTIVITY_SEQNO: id, OPERATION: 'U', STATE: 'ready', ATTEMPTS: 0, QUEUED_AT: new Date(), NEXT_ATTEMPT_AT: new Date() });
    expect((await drain()).unchanged).toBe(1);
    expect((await fields(id)).X_NUMERIK_STATE).toBe('In Numerik · synced 1 Jan 00:00');

    await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Ring\nback on Monday' });
    expect((await drain()).updated).toBe(1);
    expect((await fields(id)).X_NUMERIK_STATE).toMatch(SYNCED);
    expect((await fields(id)).X_NUMERIK_STATE).not.toBe('In Numerik · synced 1 Jan 00:00');
  });

  it('one statement writes a batch: each activity gets its own fields, the rest of each row and the other activities stay', async () => {
    const [a, b, c, d] = [await f.seed.task({ subject: 'a' }), await f.seed.task({ subject: 'b' }), await f.seed.task({ subject: 'c' }), await f.seed.task({ subject: 'd' })];
    await f.db.table('TASKS').whereIn('SEQNO', [a, b, c, d]).update({ X_NUMERIK_POST: 'https://old.example/', X_NUMERIK_STATE: 'old' });
    await writeRecordFields(f.db, [{ seqno: a, post: 'https://n.example/a' }, { seqno: b, state: 'Waiting: x' }, { seqno: c, post: null, state: "it's \u00e9" }]);
    const rows = await f.db.table('TASKS').whereIn('SEQNO', [a, b, c, d]).orderBy('SEQNO').select('SUBJECT', 'X_NUMERIK_POST', 'X_NUMERIK_STATE');
    expect(rows).toEqual([
      { SUBJECT: 'a', X_NUMERIK_POST: 'https://n.example/a', X_NUMERIK_STATE: 'old' },
      { SUBJECT: 'b', X_NUMERIK_POST: 'https://old.example/', X_NUMERIK_STATE: 'Waiting: x' },
      { SUBJECT: 'c', X_NUMERIK_POST: null, X_NUMERIK_STATE: "it's \u00e9" },
      { SUBJECT: 'd', X_NUMERIK_POST: 'https://old.example/', X_NUMERIK_STATE: 'old' },
    ]);
  });

  it('an excluded activity says why it is not synced', async () => {
    const id = await f.seed.task({ subject: 'Private', companyId: 'D101', assignedTo: f.staff.eve });
    await drain();
    expect((await fields(id)).X_NUMERIK_STATE).toBe(`Not synced: staff ${f.staff.eve} is excluded`);
  });

  it('a dead letter says "Stopped: see exo-numerik status"', async () => {
    const id = await deadLetteredActivity(f, 'Never');
    expect((await fields(id)).X_NUMERIK_STATE).toBe('Stopped: see exo-numerik status');
  });

  it('a post deleted in Numerik shows "Deleted in Numerik" on its activity', async () => {
    const id = await f.seed.task({ subject: 'Gone soon', companyId: 'D101' });
    await drain();
    const post = onlyPost(id);
    f.sandbox.store.deletePost(post.id, f.users.raj);
    await storeEvent(f.db, { eventId: `evt_del_${post.id}`, type: 'post.deleted', postId: post.id, version: null, source: 'webhook' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options) }).drain();
    expect((await fields(id)).X_NUMERIK_STATE).toBe('Deleted in Numerik');
  });

  it('a post made in Numerik comes to Exo with its address and state', async () => {
    const post = f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: 'Met at the fair\nLikes the blue one' }, f.users.ann).post;
    await storeEvent(f.db, { eventId: `evt_new_${post.id}`, type: 'post.created', postId: post.id, version: 1, source: 'webhook' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options) }).drain();
    const link = await f.db.table(OBJECTS.postLink).where({ POST_ID: post.id }).first('ACTIVITY_SEQNO');
    const after = await fields((link as { ACTIVITY_SEQNO: number }).ACTIVITY_SEQNO);
    expect(after.X_NUMERIK_POST).toBe(post.web_url);
    expect(after.X_NUMERIK_STATE).toMatch(SYNCED);
  });
});
