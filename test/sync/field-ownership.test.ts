import { afterAll, beforeAll, expect, it } from 'vitest';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { renderRecordPage } from '../../api/record-page.js';
import { loadLookups } from '../../sync/lookups.js';
import { optionsSource } from '../../sync/options-source.js';
import { readRecord } from '../../sync/record/record-view.js';
import { defaultSyncOptions } from '../../sync/options.js';
import type { PreviewItem } from '../../sync/preview/item.js';
import { runPreview } from '../../sync/preview/preview.js';
import { changeSetting, listSettings, SettingError } from '../../sync/settings.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const wall = (iso: string) => new Date(`${iso}Z`);

/**
 * Field ownership through the real sync (issue 23, item 4): the type (tags) is Numerik's, the text
 * Exo's, the due date neither's; every other field two-way.
 */
forEachTarget("field ownership: a field owned by one side never changes there from the other", (engine) => {
  let f: SyncFixture;
  let events = 0;
  const owned = { tags: 'numerik-to-exo', body_text: 'exo-to-numerik', due_at: 'none' } as const;
  const inbound = async (postId: string) => {
    await storeEvent(f.db, { eventId: `evt_own_${(events += 1)}`, type: 'post.updated', postId, version: null, source: 'webhook' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options, undefined, 0) }).drain();
  };
  const task = async (id: number) =>
    (await f.db.table('TASKS').where({ SEQNO: id }).first('DETAILS', 'SUBJECT', 'TYPE', 'END_DATETIME', 'COMPLETED', 'ASSIGNED_TO')) as { DETAILS: string; SUBJECT: string; TYPE: number; END_DATETIME: Date; COMPLETED: string; ASSIGNED_TO: number };
  const linked = async (subject: string) => {
    const id = await f.seed.task({ subject, details: `${subject}\nline two`, companyId: 'D101', assignedTo: f.staff.ann, type: f.types.call, end: wall('2026-12-10T09:00:00.000') });
    await f.worker().drain();
    return { id, post: () => postsByActivity(f.sandbox).get(id)![0]! };
  };

  beforeAll(async () => {
    f = await syncFixture(engine, { fieldOwnership: owned });
  });
  afterAll(() => f.close());

  it('Exo → Numerik: the text goes across; the type and due date changed in Exo do not; a two-way field does', async () => {
    const { id, post } = await linked('Quote for Jo');
    const before = post();
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Quote for Jo\nline two, edited in Exo', TYPE: f.types.meeting, END_DATETIME: wall('2026-12-11T09:00:00.000'), ASSIGNED_TO: f.staff.raj });
    await f.worker().drain();
    expect(post()).toMatchObject({ body_text: 'Quote for Jo\nline two, edited in Exo', tags: before.tags, due_at: before.due_at, assignee_id: f.users.raj });
    // What was not carried is the activity's own: it stays, and is not sent again later.
    expect(await task(id)).toMatchObject({ TYPE: f.types.meeting, END_DATETIME: wall('2026-12-11T09:00:00.000') });
    const version = post().version;
    await f.db.table('TASKS').where({ SEQNO: id }).update({ COMPLETED: 'N', SUBJECT: 'Quote for Jo' });
    await f.worker().drain();
    expect(post().version).toBe(version);
  });

  it('Numerik → Exo: the tags go across; the text and the due date changed in Numerik do not; a later Exo edit changes in Numerik only what Exo changed', async () => {
    const { id, post } = await linked('Samples');
    const row = await task(id);
    f.sandbox.store.updatePost(post().id, { body_text: 'Samples\nline two\nadded in Numerik', tags: ['Meeting'], due_at: '2026-12-20T20:00:00.000Z' }, undefined, f.users.raj);
    await inbound(post().id);
    expect(await task(id)).toMatchObject({ DETAILS: row.DETAILS, SUBJECT: row.SUBJECT, TYPE: f.types.meeting, END_DATETIME: row.END_DATETIME });
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Samples, 40 of them\nline two' });
    await f.worker().drain();
    expect(post()).toMatchObject({ body_text: 'Samples, 40 of them\nline two\nadded in Numerik', tags: ['Meeting'], due_at: '2026-12-20T20:00:00.000Z' });
    // The post's text is not written back to Exo as its view: Numerik's line stays out of Exo.
    expect(await task(id)).toMatchObject({ DETAILS: 'Samples, 40 of them\nline two' });
  });

  it('preview decides as the live sync does: a change of a field Exo does not own is nothing to send', async () => {
    const { id } = await linked('Preview me');
    await f.db.table('TASKS').where({ SEQNO: id }).update({ END_DATETIME: wall('2026-12-12T09:00:00.000'), TYPE: f.types.meeting });
    const items: PreviewItem[] = [];
    await runPreview(f.db, f.client, defaultSyncOptions(f.options), {}, (item) => void items.push(item));
    const mine = items.filter((i) => i.activitySeqno === id);
    expect(mine.length).toBeGreaterThan(0);
    for (const item of mine) expect(item.decision).not.toMatch(/update|create/);
    const both = defaultSyncOptions({ ...f.options, fieldOwnership: {} });
    const items2: PreviewItem[] = [];
    await runPreview(f.db, f.client, both, {}, (item) => void items2.push(item));
    expect(items2.filter((i) => i.activitySeqno === id).map((i) => i.decision)).toContain('update');
  });

  it('shadow mode decides alike: a change of a field Exo does not own would have done nothing; of one it owns, would have updated', async () => {
    const { id } = await linked('Shadow me');
    const shadow = () => f.worker({ options: async () => defaultSyncOptions({ ...f.options, shadow: true }) }).drain();
    const said = async () => (await logEntries(f.db, 'shadow')).filter((e) => e.ACTIVITY_SEQNO === id).map((e) => e.REASON);
    await f.db.table('TASKS').where({ SEQNO: id }).update({ TYPE: f.types.meeting, END_DATETIME: wall('2026-12-12T09:00:00.000') });
    await shadow();
    expect(await said()).toEqual([expect.stringMatching(/^would have done nothing/)]);
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Shadow me\nline two, edited' });
    await shadow();
    // Its own round says so (how many rounds the first change gets in shadow mode is not this test's).
    expect(await said()).toContain('would have updated: sends body_text');
  });

  it('the record page shows who owns each field that is not two-way', async () => {
    const { id } = await linked('Show me');
    const view = await readRecord(f.db, f.client, await loadLookups(f.db, defaultSyncOptions(f.options)), { activity: id });
    expect(Object.fromEntries(view.sides.map((s) => [s.field, s.ownership]))).toMatchObject({ tags: 'numerik-to-exo', body_text: 'exo-to-numerik', due_at: 'none', customer_id: 'two-way' });
    const page = renderRecordPage(view, { activity: id });
    expect(page).toMatch(/<tr data-field="tags"[^\n]*<small class="ownership">Numerik → Exo only<\/small>/);
    expect(page).toMatch(/<tr data-field="due_at"[^\n]*<small class="ownership">not synced<\/small>/);
    expect(page).not.toMatch(/<tr data-field="customer_id"[^\n]*class="ownership"/);
  });

  it('settings: listed with where it comes from; a change is validated, requeues nothing and says so', async () => {
    expect((await listSettings(f.db, f.options)).find((s) => s.key === 'fieldOwnership')).toMatchObject({ value: owned });
    await expect(changeSetting(f.db, f.options, 'fieldOwnership', { subject: 'none' }, 'test')).rejects.toThrow(new SettingError('fieldOwnership: no field subject; the fields are customer_id, body_text, assignee_id, due_at, follow_up_date, completed, completed_at, tags (got {"subject":"none"})'));
    await expect(changeSetting(f.db, f.options, 'fieldOwnership', { tags: 'mine' }, 'test')).rejects.toThrow(/^fieldOwnership\.tags: a field's ownership is one of two-way, exo-to-numerik, numerik-to-exo, none/);
    const queued = await f.queueDepth();
    const view = await changeSetting(f.db, f.options, 'fieldOwnership', { ...owned, assignee_id: 'exo-to-numerik' }, 'test');
    expect(view).toMatchObject({ source: 'stored', value: { ...owned, assignee_id: 'exo-to-numerik' }, note: expect.stringMatching(/^requeues nothing/) });
    expect(await f.queueDepth()).toBe(queued);
  });
});
