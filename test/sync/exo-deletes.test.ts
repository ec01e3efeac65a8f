import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { EDITED_AFTER_EXO_DELETE } from '../../sync/converge/converge.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { exoDeletedMark } from '../../sync/mapping/exo-deleted-mark.js';
import { optionsSource } from '../../sync/options-source.js';
import { readStatus } from '../../sync/status/status.js';
import { defaultSyncOptions } from '../../sync/options.js';
import { forEachTarget } from '../support/targets.js';
import { postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

forEachTarget('an activity deleted in Exo: its post is marked, never deleted, and later edits are shown', (engine) => {
  let f: SyncFixture;
  let events = 0;
  const drain = () => f.worker().drain();
  const inbound = async (postId: string) => {
    await storeEvent(f.db, { eventId: `evt_del_${(events += 1)}`, type: 'post.updated', postId, version: null, source: 'webhook' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options, undefined, 0) }).drain();
  };
  const linked = async (subject: string) => {
    const id = await f.seed.task({ subject, details: `${subject}\nsome details`, companyId: 'D101', assignedTo: f.staff.ann });
    await drain();
    return { id, post: () => postsByActivity(f.sandbox).get(id)![0]! };
  };
  const linkState = async (id: number) => ((await f.db.table(OBJECTS.postLink).where({ ACTIVITY_SEQNO: id }).first('STATE')) as { STATE: string }).STATE;

  beforeAll(async () => {
    f = await syncFixture(engine);
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.faults.clear());

  it('DELETED_FLAG: the first line says "Deleted in Exo", a closing line who and when; the post stays', async () => {
    const { id, post } = await linked('Quote for Jo');
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DELETED_FLAG: 'Y', MODIFIEDBY: f.staff.raj });
    await drain();
    expect(post()).toMatchObject({ deleted_at: null, body_text: expect.stringMatching(/^Deleted in Exo: Quote for Jo\nsome details\n\n\[Deleted in Exo by Raj Patel on \d{1,2} \w{3} 20\d\d \d\d:\d\d\]$/) });
    expect(await linkState(id)).toBe('exo-deleted');
    expect(((await f.db.table('TASKS').where({ SEQNO: id }).first('X_NUMERIK_STATE')) as { X_NUMERIK_STATE: string }).X_NUMERIK_STATE).toBe('Not synced: deleted in Exo; the Numerik post is kept');
    // The mark's own webhook is no edit: nothing is reported.
    await inbound(post().id);
    expect((await readStatus(f.db, defaultSyncOptions(f.options))).parked.filter((p) => p.reason === EDITED_AFTER_EXO_DELETE)).toEqual([]);
  });

  it('a later Numerik edit of that post is shown on the status page and on the activity, not dropped', async () => {
    const { id, post } = await linked('Samples');
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DELETED_FLAG: 'Y' });
    await drain();
    f.sandbox.store.updatePost(post().id, { body_text: `${post().body_text}\nstill needed!` }, undefined, f.users.raj);
    await inbound(post().id);
    const status = await readStatus(f.db, defaultSyncOptions(f.options));
    expect(status.parked).toContainEqual({ direction: 'inbound', reason: EDITED_AFTER_EXO_DELETE, count: expect.any(Number), since: expect.any(String) });
    expect(((await f.db.table('TASKS').where({ SEQNO: id }).first('X_NUMERIK_STATE')) as { X_NUMERIK_STATE: string }).X_NUMERIK_STATE).toBe(`Waiting: ${EDITED_AFTER_EXO_DELETE}`);
    expect(((await f.db.table('TASKS').where({ SEQNO: id }).first('DETAILS')) as { DETAILS: string }).DETAILS).toBe('Samples\nsome details');
  });

  it('a physical DELETE marks the post too ("by an Exo user": the row is gone)', async () => {
    const { id, post } = await linked('Gone for good');
    await f.db.table('TASKS').where({ SEQNO: id }).del();
    await drain();
    expect(post().body_text).toMatch(/^Deleted in Exo: Gone for good\n[\s\S]*\[Deleted in Exo by an Exo user on /);
    expect(await linkState(id)).toBe('exo-deleted');
  });

  it('exoDeleteMark: tag adds the tag and leaves the text; none leaves the post as it is', async () => {
    const tagged = await linked('Tag me');
    await f.db.table('TASKS').where({ SEQNO: tagged.id }).update({ DELETED_FLAG: 'Y' });
    await f.worker({ options: async () => defaultSyncOptions({ ...f.options, exoDeleteMark: 'tag' }) }).drain();
    expect(tagged.post()).toMatchObject({ body_text: 'Tag me\nsome details', tags: ['Deleted in Exo'] });
    const untouched = await linked('Leave me');
    await f.db.table('TASKS').where({ SEQNO: untouched.id }).update({ DELETED_FLAG: 'Y' });
    await f.worker({ options: async () => defaultSyncOptions({ ...f.options, exoDeleteMark: 'none' }) }).drain();
    expect(untouched.post()).toMatchObject({ body_text: 'Leave me\nsome details', tags: [] });
    expect(await linkState(untouched.id)).toBe('exo-deleted');
  });

  it('marks once: a post already marked is not marked again', () => {
    const at = new Date('2026-12-01T21:22:00Z');
    const once = exoDeletedMark({ body_text: 'Call Jo', tags: [] }, 'text', 'Ann', at, 'Pacific/Auckland');
    expect(once).toEqual({ body_text: 'Deleted in Exo: Call Jo\n\n[Deleted in Exo by Ann on 2 Dec 2026 10:22]' });
    expect(exoDeletedMark({ body_text: once!.body_text!, tags: [] }, 'text', 'Ann', at, 'Pacific/Auckland')).toBeUndefined();
    expect(exoDeletedMark({ body_text: 'x', tags: ['deleted in exo'] }, 'tag', 'Ann', at, 'Pacific/Auckland')).toBeUndefined();
  });
});
