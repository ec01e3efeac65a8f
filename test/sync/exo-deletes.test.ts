import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { EDITED_AFTER_EXO_DELETE } from '../../sync/converge/converge.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { exoDeletedMark, exoDeletedUnmark } from '../../sync/mapping/exo-deleted-mark.js';
import { loadLookups } from '../../sync/lookups.js';
import { RESTORED_IN_EXO } from '../../sync/outbound/restore.js';
import { recordAction } from '../../sync/record/actions.js';
import { optionsSource } from '../../sync/options-source.js';
import { readStatus } from '../../sync/status/status.js';
import { defaultSyncOptions } from '../../sync/options.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

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
  const row = async (id: number) => (await f.db.table('TASKS').where({ SEQNO: id }).first('DETAILS', 'X_NUMERIK_STATE')) as { DETAILS: string; X_NUMERIK_STATE: string };

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

  it('restored in Exo (DELETED_FLAG back to N) and edited: the mark comes off, the edit goes across, the state says so, and the two sync again', async () => {
    const { id, post } = await linked('Restore me');
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DELETED_FLAG: 'Y' });
    await drain();
    expect(post().body_text).toMatch(/^Deleted in Exo: /);
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DELETED_FLAG: 'N', DETAILS: 'Restore me\nsome details, restored' });
    await drain();
    expect(post()).toMatchObject({ deleted_at: null, body_text: 'Restore me\nsome details, restored' });
    expect(await linkState(id)).toBe('active');
    expect((await row(id)).X_NUMERIK_STATE).toMatch(/^In Numerik · restored in Exo, synced \d{1,2} \w{3} \d\d:\d\d$/);
    expect((await logEntries(f.db, 'synced')).filter((e) => e.ACTIVITY_SEQNO === id).map((e) => e.REASON)).toContain(RESTORED_IN_EXO);
    f.sandbox.store.updatePost(post().id, { body_text: `${post().body_text}\nfrom Numerik again` }, undefined, f.users.raj);
    await inbound(post().id);
    expect((await row(id)).DETAILS).toBe('Restore me\nsome details, restored\nfrom Numerik again');
  });

  it('restored after the post was edited in Numerik: both edits are kept, Numerik’s reaches Exo, and what was parked for it is closed', async () => {
    const id = await f.seed.task({ subject: 'Edited meanwhile', details: 'Edited meanwhile\nline two\nline three\nline four', companyId: 'D101', assignedTo: f.staff.ann });
    await drain();
    const post = () => postsByActivity(f.sandbox).get(id)![0]!;
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DELETED_FLAG: 'Y' });
    await drain();
    f.sandbox.store.updatePost(post().id, { body_text: post().body_text.replace('line four', 'line four, still needed') }, undefined, f.users.raj);
    await inbound(post().id);
    const parked = async () => (await readStatus(f.db, defaultSyncOptions(f.options))).parked.filter((p) => p.reason === EDITED_AFTER_EXO_DELETE).reduce((n, p) => n + p.count, 0);
    const waiting = await parked();
    expect(waiting).toBeGreaterThan(0);
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DELETED_FLAG: 'N', DETAILS: 'Edited meanwhile\nline two, from Exo\nline three\nline four' });
    await drain();
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options, undefined, 0) }).drain();
    expect(post().body_text).toBe('Edited meanwhile\nline two, from Exo\nline three\nline four, still needed');
    expect((await row(id)).DETAILS).toBe('Edited meanwhile\nline two, from Exo\nline three\nline four, still needed');
    expect(await parked()).toBe(waiting - 1);
  });

  it('the tag mark comes off too', async () => {
    const tagged = await linked('Tagged, restored');
    await f.db.table('TASKS').where({ SEQNO: tagged.id }).update({ DELETED_FLAG: 'Y' });
    await f.worker({ options: async () => defaultSyncOptions({ ...f.options, exoDeleteMark: 'tag' }) }).drain();
    expect(tagged.post().tags).toEqual(['Deleted in Exo']);
    await f.db.table('TASKS').where({ SEQNO: tagged.id }).update({ DELETED_FLAG: 'N' });
    await drain();
    expect(tagged.post()).toMatchObject({ body_text: 'Tagged, restored\nsome details', tags: [] });
    expect(await linkState(tagged.id)).toBe('active');
  });

  it('"Send Exo\'s version" works on a restored activity, even before its restore was synced', async () => {
    const { id, post } = await linked('Send mine');
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DELETED_FLAG: 'Y' });
    await drain();
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DELETED_FLAG: 'N', DETAILS: 'Send mine\nExo has the last word' });
    const lookups = await loadLookups(f.db, defaultSyncOptions(f.options));
    const done = await recordAction({ db: f.db, client: f.client, lookups }, { activity: id }, 'send-exo', 'ANN');
    expect(done.message).toMatch(/Exo's version sent to Numerik/);
    expect(post().body_text).toBe('Send mine\nExo has the last word');
    expect(await linkState(id)).toBe('active');
    await drain();
    expect(post().body_text).toBe('Send mine\nExo has the last word');
  });

  it('law: taking the mark off gives back the post as it was marked, text or tag', () => {
    const at = new Date('2026-12-01T21:22:00Z');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.subarray(['Meeting', 'Phone call', 'VIP']), fc.constantFrom<'text' | 'tag'>('text', 'tag'), fc.string({ minLength: 1, maxLength: 30 }).map((s) => s.replace(/\n/g, ' ')), (text, tags, mark, who) => {
        const post = { body_text: text, tags };
        fc.pre(!text.startsWith('Deleted in Exo: '));
        const marked = { ...post, ...exoDeletedMark(post, mark, who, at, 'Pacific/Auckland') };
        expect({ ...marked, ...exoDeletedUnmark(marked) }).toEqual(post);
        expect(exoDeletedUnmark(post)).toBeUndefined();
      }),
      { seed: 20261206, numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
