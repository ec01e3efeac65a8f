import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { optionsSource } from '../../sync/options-source.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

forEachTarget('who an Exo change is attributed to (MODIFIEDBY)', (engine) => {
  let f: SyncFixture;
  let sys: number;
  let events = 0;
  const inbound = async (postId: string) => {
    await storeEvent(f.db, { eventId: `evt_auth_${(events += 1)}`, type: 'post.updated', postId, version: null, source: 'webhook' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options, undefined, 0) }).drain();
  };
  const modifiedBy = async (postId: string) => {
    const link = (await f.db.table(OBJECTS.postLink).where({ POST_ID: postId }).first('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number };
    return ((await f.db.table('TASKS').where({ SEQNO: link.ACTIVITY_SEQNO }).first('MODIFIEDBY')) as { MODIFIEDBY: number | null }).MODIFIEDBY;
  };

  beforeAll(async () => {
    f = await syncFixture(engine, { defaultStaff: 'ANN', systemStaff: 'SYNC' });
    sys = await f.seed.staff({ name: 'exo-numerik', loginId: 'SYNC' });
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.faults.clear());

  it("follows the Numerik user who made the change, not the post's author", async () => {
    const post = f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: 'Met Jo\nat the fair' }, f.users.ann).post;
    await inbound(post.id);
    expect(await modifiedBy(post.id)).toBe(f.staff.ann);
    f.sandbox.store.updatePost(post.id, { body_text: 'Met Jo\nat the fair, ordered 40' }, undefined, f.users.raj);
    await inbound(post.id);
    expect(await modifiedBy(post.id)).toBe(f.staff.raj);
    f.sandbox.store.addComment(post.id, f.users.ann, 'Sent the quote.');
    await inbound(post.id);
    expect(await modifiedBy(post.id)).toBe(f.staff.ann);
  });

  it('a Numerik user without an Exo staff member: the default staff member, and the log says so', async () => {
    const temp = f.sandbox.store.addUser({ name: 'Temp Worker', email: 'temp@agency.example' });
    const post = f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: 'Temp note' }, f.users.raj).post;
    await inbound(post.id);
    f.sandbox.store.updatePost(post.id, { body_text: 'Temp note\nedited by the temp' }, undefined, temp.id);
    await inbound(post.id);
    expect(await modifiedBy(post.id)).toBe(f.staff.ann);
    expect((await logEntries(f.db, 'note')).map((e) => e.REASON)).toContain(`Numerik user ${temp.id} (who changed it) has no Exo staff member: staff ${f.staff.ann} used`);
  });

  it("the sync's own change (the subject put back to the post's first line) is the system staff member's", async () => {
    const id = await f.seed.task({ subject: 'Call Jo', details: 'Call Jo\nabout chairs', companyId: 'D101', assignedTo: f.staff.ann });
    await f.worker().drain();
    await f.db.table('TASKS').where({ SEQNO: id }).update({ SUBJECT: 'A subject typed in Exo', MODIFIEDBY: f.staff.raj });
    await f.worker().drain();
    const row = (await f.db.table('TASKS').where({ SEQNO: id }).first('SUBJECT', 'MODIFIEDBY')) as { SUBJECT: string; MODIFIEDBY: number };
    expect(row).toEqual({ SUBJECT: 'Call Jo', MODIFIEDBY: sys });
    expect(postsByActivity(f.sandbox).get(id)![0]!.body_text).toBe('Call Jo\nabout chairs');
  });
});
