import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { armFailpoint, disarmAll } from '../../sync/failpoints.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { loadLookups } from '../../sync/lookups.js';
import { defaultSyncOptions } from '../../sync/options.js';
import { optionsSource } from '../../sync/options-source.js';
import { ActionRefusedError, chooseConflict, recordAction, type ActionDeps } from '../../sync/record/actions.js';
import { readRecord, searchRecords, UnknownRecordError } from '../../sync/record/record-view.js';
import { forEachTarget } from '../support/targets.js';
import { deadLetteredActivity, logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const wall = (iso: string) => new Date(`${iso}Z`);

forEachTarget('one record: its page, its actions, and conflicts resolved by a person', (engine) => {
  let f: SyncFixture;
  const drain = () => f.worker().drain();
  const inbound = () => new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options, undefined, 0) }).drain();
  const onlyPost = (seqno: number) => postsByActivity(f.sandbox).get(seqno)![0]!;
  const deps = async (): Promise<ActionDeps> => ({ db: f.db, client: f.client, lookups: await loadLookups(f.db, defaultSyncOptions(f.options)) });
  const task = async (seqno: number) => (await f.db.table('TASKS').where({ SEQNO: seqno }).first('DETAILS', 'END_DATETIME', 'COMPLETED', 'X_NUMERIK_STATE')) as Record<string, unknown>;
  const linked = async (details: string) => {
    const id = await f.seed.task({ subject: details.split('\n')[0], details, companyId: 'D101', assignedTo: f.staff.ann, end: wall('2026-12-10T09:00:00.000') });
    await drain();
    return { id, post: onlyPost(id) };
  };
  /** Both sides change the due date before either syncs: Numerik's change is newer, so it wins. */
  const dueDateConflict = async (id: number, postId: string) => {
    await f.db.table('TASKS').where({ SEQNO: id }).update({ END_DATETIME: wall('2026-12-11T09:00:00.000') });
    f.sandbox.store.updatePost(postId, { due_at: '2026-12-14T20:00:00.000Z' });
    await drain();
    const [conflict] = (await f.db.table(OBJECTS.log).where({ KIND: 'conflict', ACTIVITY_SEQNO: id }).whereNull('RESOLVED_AT').select('ID')) as { ID: number | string }[];
    expect(conflict).toBeDefined();
    return Number(conflict!.ID);
  };

  beforeAll(async () => {
    f = await syncFixture(engine);
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.faults.clear());
  afterEach(() => disarmAll());

  it("shows an activity's page: link, both sides with what they agreed on, history", async () => {
    const { id, post } = await linked('Call Jo\nAbout the quote');
    const view = await readRecord(f.db, f.client, (await deps()).lookups, { activity: id });
    expect(view).toMatchObject({ activitySeqno: id, postId: post.id, link: { state: 'active', postType: 'task', origin: 'exo', postUrl: `${f.sandbox.url}/app/posts/${post.id}` }, numerikError: null });
    expect(view.fields?.state).toMatch(/^In Numerik · synced/);
    const text = view.sides.find((s) => s.field === 'body_text')!;
    expect(text).toMatchObject({ exo: 'Call Jo\nAbout the quote', numerik: 'Call Jo\nAbout the quote', agreedExo: 'Call Jo\nAbout the quote', differs: false });
    expect(view.history.map((h) => h.kind)).toContain('synced');
    expect((await readRecord(f.db, f.client, (await deps()).lookups, { post: post.id })).activitySeqno).toBe(id);
    expect(await searchRecords(f.db, 'call jo')).toContainEqual({ key: { activity: id }, label: `activity ${id} · Call Jo` });
  });

  it('an unknown activity or post is a clear error', async () => {
    const lookups = (await deps()).lookups;
    await expect(readRecord(f.db, f.client, lookups, { activity: 987654 })).rejects.toThrow(new UnknownRecordError('no activity 987654 in Exo, and none linked to a post'));
    await expect(readRecord(f.db, f.client, lookups, { post: 'pst_nothing' })).rejects.toThrow(/^no activity is linked to post pst_nothing, and Numerik has none to show/);
    await expect(chooseConflict(await deps(), 987654, 'due_at', 'exo', 'Jo')).rejects.toThrow('no conflict #987654');
  });

  it("a field-level choice on a conflict ends with both sides holding the chosen value and a log line naming who chose", async () => {
    const { id, post } = await linked('Deliver chairs');
    const conflictId = await dueDateConflict(id, post.id);
    expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-14T20:00:00.000Z');
    const view = await readRecord(f.db, f.client, (await deps()).lookups, { activity: id });
    expect(view.open.conflicts.find((c) => c.id === conflictId)).toMatchObject({ winner: 'numerik', resolved: null, fields: [{ field: 'due_at' }] });
    expect((await task(id)).X_NUMERIK_STATE).toBe('In Numerik · conflict to review: see exo-numerik status');

    const { message } = await chooseConflict(await deps(), conflictId, 'due_at', 'exo', 'Jo Bloggs');
    expect(message).toBe(`conflict #${conflictId} on activity ${id}: Exo's due date kept, sent to Numerik by Jo Bloggs`);
    expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-10T20:00:00.000Z');
    expect((await task(id)).END_DATETIME).toEqual(wall('2026-12-11T09:00:00.000'));
    expect((await task(id)).X_NUMERIK_STATE).toMatch(/^In Numerik · synced /);
    expect((await logEntries(f.db, 'note')).map((e) => e.REASON)).toContain(`conflict #${conflictId}: Exo's due date kept, sent to Numerik by Jo Bloggs`);
    const closed = (await f.db.table(OBJECTS.log).where({ ID: conflictId }).first('RESOLVED_BY', 'RESOLUTION')) as Record<string, unknown>;
    expect(closed).toEqual({ RESOLVED_BY: 'Jo Bloggs', RESOLUTION: "Exo's due date kept, sent to Numerik by Jo Bloggs" });
    // Nothing left to sync: the choice went through the normal path and both sides agree.
    await drain();
    await inbound();
    expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-10T20:00:00.000Z');

    await expect(chooseConflict(await deps(), conflictId, 'due_at', 'numerik', 'Ann')).rejects.toThrow(new ActionRefusedError(`conflict #${conflictId} is closed already: Exo's due date kept, sent to Numerik by Jo Bloggs; nothing changed`));
  });

  it('a conflict a later change superseded says so, and a choice on it changes nothing', async () => {
    const { id, post } = await linked('Measure the room');
    const conflictId = await dueDateConflict(id, post.id);
    f.sandbox.store.updatePost(post.id, { due_at: '2026-12-20T20:00:00.000Z' });
    await f.db.table(OBJECTS.inbox).insert({ EVENT_ID: `evt_later_${post.id}`, EVENT_TYPE: 'post.updated', POST_ID: post.id, POST_VERSION: null, SOURCE: 'webhook', RECEIVED_AT: new Date(), STATE: 'ready', ATTEMPTS: 0, NEXT_ATTEMPT_AT: new Date() });
    await inbound();
    const view = await readRecord(f.db, f.client, (await deps()).lookups, { activity: id });
    expect(view.open.conflicts.find((c) => c.id === conflictId)!.resolved).toMatchObject({ by: 'exo-numerik', resolution: 'superseded by a later change' });
    await expect(chooseConflict(await deps(), conflictId, 'due_at', 'exo', 'Jo')).rejects.toThrow(/is closed already: superseded by a later change/);
    expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-20T20:00:00.000Z');
  });

  it("send Exo's version: Numerik's edit of the post gives way to the activity, whole", async () => {
    const { id, post } = await linked('Pack samples\nblue and red');
    f.sandbox.store.updatePost(post.id, { body_text: 'Pack samples\nonly green', completed: true });
    const { message } = await recordAction(await deps(), { activity: id }, 'send-exo', 'Jo');
    expect(message).toBe(`activity ${id} and post ${post.id}: Exo's version sent to Numerik`);
    expect(f.sandbox.store.posts.get(post.id)).toMatchObject({ body_text: 'Pack samples\nblue and red', completed: false });
    expect((await logEntries(f.db, 'note')).map((e) => e.REASON)).toContain("Exo's version made both sides' by Jo");
  });

  it("take Numerik's version: the activity becomes the view of the post, and the Exo edit waiting is not sent", async () => {
    const { id, post } = await linked('Book the van\nfor Tuesday');
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Book the van\nfor Wednesday' });
    await recordAction(await deps(), { post: post.id }, 'take-numerik', 'Jo');
    expect((await task(id)).DETAILS).toBe('Book the van\nfor Tuesday');
    await drain();
    expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Book the van\nfor Tuesday');
  });

  // A choice is a merge against moved bases: a send recorded on the link (its worker died once
  // Numerik took it, and no merge has read it yet) must neither undo the choice nor block it.
  for (const [action, kept] of [['take-numerik', 'for Thursday'], ['send-exo', 'for Friday']] as const) {
    it(`${action} after a send whose worker died once Numerik took it, both sides edited since: both sides hold the chosen version, no conflict`, async () => {
      const { id, post } = await linked('Book the van\nfor Tuesday');
      armFailpoint('outbound.after-numerik', () => { throw new Error('killed after Numerik took the send'); }, { once: true, when: (c) => c.seqno === id });
      await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Book the van\nfor Wednesday' });
      await drain().catch(() => undefined);
      expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Book the van\nfor Wednesday');
      expect((await readPostLinks(f.db, [id])).get(id)!.sending).not.toBeNull();
      f.sandbox.store.updatePost(post.id, { body_text: 'Book the van\nfor Thursday' });
      await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Book the van\nfor Friday' });
      await recordAction(await deps(), { post: post.id }, action, 'Jo');
      // The dead worker's send retried, and Numerik's events applied, leave the choice as it is.
      await drain();
      await inbound();
      expect((await task(id)).DETAILS).toBe(`Book the van\n${kept}`);
      expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe(`Book the van\n${kept}`);
      expect(await f.db.table(OBJECTS.log).where({ KIND: 'conflict', ACTIVITY_SEQNO: id }).first('ID')).toBeUndefined();
    });
  }

  it('unlink stops both directions, says so on the activity, and refuses further actions', async () => {
    const { id, post } = await linked('Old job');
    await recordAction(await deps(), { activity: id }, 'unlink', 'Jo');
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Old job\nedited after the unlink' });
    await drain();
    expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Old job');
    expect((await task(id)).X_NUMERIK_STATE).toBe('Not synced: unlinked by Jo');
    await expect(recordAction(await deps(), { activity: id }, 'retry', 'Jo')).rejects.toThrow(ActionRefusedError);
    expect(postsByActivity(f.sandbox).get(id)).toHaveLength(1);
  });

  it('retry now sends a dead letter again and closes it, naming who', async () => {
    const id = await deadLetteredActivity(f, 'Stuck');
    expect((await task(id)).X_NUMERIK_STATE).toBe('Stopped: see exo-numerik status');
    const { message } = await recordAction(await deps(), { activity: id }, 'retry', 'Jo');
    expect(message).toBe(`activity ${id}: queued again (1 open entry closed)`);
    expect((await f.db.table(OBJECTS.log).where({ KIND: 'dead', ACTIVITY_SEQNO: id }).first('RESOLVED_BY')) as Record<string, unknown>).toEqual({ RESOLVED_BY: 'Jo' });
    await drain();
    expect(postsByActivity(f.sandbox).get(id)).toHaveLength(1);
    expect((await task(id)).X_NUMERIK_STATE).toMatch(/^In Numerik · synced/);
  });
});
