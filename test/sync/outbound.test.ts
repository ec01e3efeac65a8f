import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { writeSetting } from '../../db/plugin/settings.js';
import { CUT_MARKER } from '../../sync/lens/control-lines.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const wall = (iso: string) => new Date(`${iso}Z`);

forEachTarget('Exo → Numerik', (engine) => {
  let f: SyncFixture;
  const tasks = () => f.db.table('TASKS');
  const onlyPost = (seqno: number) => {
    const posts = postsByActivity(f.sandbox).get(seqno) ?? [];
    expect(posts).toHaveLength(1);
    return posts[0]!;
  };
  const drain = () => f.worker().drain();
  const calls = (route: string) => f.sandbox.calls.get(route) ?? 0;

  beforeAll(async () => {
    f = await syncFixture(engine);
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.faults.clear());

  it('links reference data first: customers by external_ref, staff by email, types to tags by name', async () => {
    expect(await f.db.table(OBJECTS.customerLink).select('ACCOUNT_TYPE', 'ACCNO', 'CUSTOMER_ID').orderBy('ACCNO')).toEqual([
      { ACCOUNT_TYPE: 'C', ACCNO: 7, CUSTOMER_ID: f.customers.paper },
      { ACCOUNT_TYPE: 'D', ACCNO: 101, CUSTOMER_ID: f.customers.acme },
    ]);
    expect(await f.db.table(OBJECTS.staffLink).select('STAFFNO', 'USER_ID').orderBy('STAFFNO')).toEqual([
      { STAFFNO: f.staff.ann, USER_ID: f.users.ann },
      { STAFFNO: f.staff.raj, USER_ID: f.users.raj },
    ]);
    const tags = await f.db.table(OBJECTS.typeTag).select('TYPE_SEQNO', 'TAG_NAME').orderBy('TYPE_SEQNO');
    expect(tags).toContainEqual({ TYPE_SEQNO: f.types.call, TAG_NAME: 'phone CALL' });
  });

  it('an open activity becomes a task: assignee, due date across DST, tag, external_ref; Exo gets the subject line', async () => {
    const id = await f.seed.task({ subject: 'Call Jo', details: 'Wants a quote – 40 chairs, €1.200 “urgent”', companyId: 'D101', assignedTo: f.staff.ann, createdBy: f.staff.raj, type: f.types.call, end: wall('2026-12-03T10:00:00.000') });
    const stats = await drain();
    expect(stats.created).toBe(1);
    const post = onlyPost(id);
    expect(post).toMatchObject({
      type: 'task',
      customer_id: f.customers.acme,
      author_id: f.users.raj,
      assignee_id: f.users.ann,
      body_text: 'Call Jo\nWants a quote – 40 chairs, €1.200 “urgent”',
      due_at: '2026-12-02T21:00:00.000Z',
      tags: ['phone CALL'],
      completed: false,
    });
    const [row] = await tasks().where({ SEQNO: id }).select('SUBJECT', 'DETAILS');
    expect(row).toEqual({ SUBJECT: 'Call Jo', DETAILS: 'Call Jo\nWants a quote – 40 chairs, €1.200 “urgent”' });
    expect(await f.queueDepth()).toBe(0);
    expect(await f.db.table(OBJECTS.postLink).where({ ACTIVITY_SEQNO: id }).select('POST_ID', 'POST_TYPE', 'ORIGIN', 'STATE')).toEqual([
      { POST_ID: post.id, POST_TYPE: 'task', ORIGIN: 'exo', STATE: 'active' },
    ]);
    expect((await logEntries(f.db, 'synced')).find((e) => e.ACTIVITY_SEQNO === id)?.REASON).toBe(`created task ${post.id}`);
  });

  it('a completed activity becomes a note, its completion time converted from NZ winter time', async () => {
    const id = await f.seed.task({ subject: 'Sent brochure', companyId: 'C7', assignedTo: f.staff.ann, completed: true, end: wall('2026-07-01T16:30:00.000') });
    await drain();
    expect(onlyPost(id)).toMatchObject({ type: 'note', customer_id: f.customers.paper, assignee_id: null, completed: true, completed_at: '2026-07-01T04:30:00.000Z' });
  });

  it('an update sends the details and rewrites the subject to their first line, without echo', async () => {
    const id = await f.seed.task({ subject: 'Old', details: 'First', companyId: 'D101', assignedTo: f.staff.ann });
    await drain();
    await tasks().where({ SEQNO: id }).update({ DETAILS: 'Jo called back\nwants 50 now\n##Comments##\nold comment', COMPLETED: 'Y' });
    const patches = calls('PATCH /posts/:id');
    const stats = await drain();
    expect(stats.updated).toBe(1);
    expect(calls('PATCH /posts/:id')).toBe(patches + 1);
    expect(onlyPost(id)).toMatchObject({ body_text: 'Jo called back\nwants 50 now', completed: true, version: 2 });
    expect((await tasks().where({ SEQNO: id }).select('SUBJECT'))[0]).toEqual({ SUBJECT: 'Jo called back' });
    // The subject rewrite was the sync's own write: nothing queued, nothing sent back.
    expect(await f.queueDepth()).toBe(0);
    expect((await drain()).updated).toBe(0);
  });

  it('sends nothing when nothing synced changed; a subject-only edit is put back to the post’s first line', async () => {
    const id = await f.seed.task({ subject: 'Stable', details: 'Stable text', companyId: 'D101', assignedTo: f.staff.ann });
    await drain();
    const patches = calls('PATCH /posts/:id');
    await tasks().where({ SEQNO: id }).update({ SUBJECT: 'Renamed in Exo' });
    await drain();
    expect(calls('PATCH /posts/:id')).toBe(patches);
    // The details began with the subject, so the post has it once (rule 4), and its first line is the subject.
    expect(onlyPost(id).body_text).toBe('Stable text');
    expect((await tasks().where({ SEQNO: id }).select('SUBJECT'))[0]).toEqual({ SUBJECT: 'Stable text' });
  });

  it('skips excluded staff (by login), types (by name) and statuses (by number), and logs why', async () => {
    const eve = await f.seed.task({ subject: 'Eve', companyId: 'D101', assignedTo: f.staff.eve });
    const internal = await f.seed.task({ subject: 'Internal', companyId: 'D101', type: f.types.internal });
    const cancelled = await f.seed.task({ subject: 'Cancelled', companyId: 'D101', status: f.statuses.cancelled });
    await drain();
    for (const id of [eve, internal, cancelled]) expect(postsByActivity(f.sandbox).get(id)).toBeUndefined();
    const skipped = (await logEntries(f.db, 'skipped')).filter((e) => [eve, internal, cancelled].includes(e.ACTIVITY_SEQNO!));
    expect(skipped.map((e) => e.REASON)).toEqual([`staff ${f.staff.eve} is excluded`, `activity type ${f.types.internal} is excluded`, `activity status ${f.statuses.cancelled} is excluded`]);
  });

  it('parks an activity whose customer is not linked, and sends it when the link appears', async () => {
    const id = await f.seed.task({ subject: 'Kiwi visit', companyId: 'D102', assignedTo: f.staff.raj });
    await drain();
    expect(postsByActivity(f.sandbox).get(id)).toBeUndefined();
    expect((await logEntries(f.db, 'parked')).filter((e) => e.ACTIVITY_SEQNO === id && !e.RESOLVED_AT).map((e) => e.REASON)).toEqual(['customer not linked']);
    await tasks().where({ SEQNO: id }).update({ DETAILS: 'edited while parked' });
    await drain();
    expect((await logEntries(f.db, 'parked')).filter((e) => e.ACTIVITY_SEQNO === id && !e.RESOLVED_AT)).toHaveLength(1);

    const kiwi = f.sandbox.store.upsertCustomer({ name: 'Kiwi Kitchens', external_ref: 'DR:102' }).id;
    expect(await f.refresh()).toMatchObject({ newlyLinked: 1, requeued: 1 });
    await drain();
    expect(onlyPost(id)).toMatchObject({ customer_id: kiwi, body_text: 'Kiwi visit\nedited while parked' });
    expect((await logEntries(f.db, 'parked')).filter((e) => e.ACTIVITY_SEQNO === id && !e.RESOLVED_AT)).toEqual([]);
  });

  it('does not send a note’s reassignment, and logs it', async () => {
    const id = await f.seed.task({ subject: 'Done deal', companyId: 'D101', assignedTo: f.staff.ann, completed: true });
    await drain();
    await tasks().where({ SEQNO: id }).update({ ASSIGNED_TO: f.staff.raj });
    await drain();
    expect(onlyPost(id)).toMatchObject({ type: 'note', version: 1 });
    expect((await logEntries(f.db, 'note')).filter((e) => e.ACTIVITY_SEQNO === id).map((e) => e.REASON)).toEqual([
      `reassigned in Exo to staff ${f.staff.raj}: not sent, a Numerik note cannot be reassigned`,
    ]);
  });

  it('copes with NULLs, the longest details (the post gets all of it, Exo a visible cut, the full text logged), unknown staff and types', async () => {
    const bare = await f.seed.task({ subject: null, details: null, companyId: 'D101', assignedTo: 999, type: 999, status: 999 });
    const long = await f.seed.task({ subject: 's'.repeat(60), details: 'x'.repeat(5500), companyId: 'D101' });
    await drain();
    expect(onlyPost(bare)).toMatchObject({ body_text: '', assignee_id: null, tags: [] });
    expect((await logEntries(f.db, 'note')).filter((e) => e.ACTIVITY_SEQNO === bare).map((e) => e.REASON)).toEqual(['staff 999 has no Numerik user: task left unassigned']);
    const [row] = await tasks().where({ SEQNO: long }).select('DETAILS');
    const details = (row as { DETAILS: string }).DETAILS;
    expect(details.length).toBeLessThanOrEqual(5500);
    expect(details.startsWith(`${'s'.repeat(60)}\n`) && details.endsWith(CUT_MARKER)).toBe(true);
    expect(onlyPost(long).body_text).toBe(`${'s'.repeat(60)}\n${'x'.repeat(5500)}`);
    expect((await logEntries(f.db, 'truncated')).some((e) => e.ACTIVITY_SEQNO === long && e.DETAIL!.includes('x'.repeat(5500)))).toBe(true);
  });

  it('a Numerik 400 is a dead letter at once, with the reason; the others go on', async () => {
    const gone = f.sandbox.store.upsertCustomer({ name: 'Gone', external_ref: 'DR:103' }).id;
    await f.seed.debtor({ accno: 103, name: 'Gone Ltd' });
    await f.refresh();
    f.sandbox.store.customers.delete(gone);
    const bad = await f.seed.task({ subject: 'To a vanished customer', companyId: 'D103' });
    const good = await f.seed.task({ subject: 'Fine', companyId: 'D101' });
    const stats = await drain();
    expect(stats.dead).toBeGreaterThanOrEqual(1);
    expect(onlyPost(good).body_text).toBe('Fine');
    const dead = (await logEntries(f.db, 'dead')).filter((e) => e.ACTIVITY_SEQNO === bad);
    expect(dead.map((e) => e.REASON)).toEqual([`Numerik answered 400: customer ${gone} does not exist (POST /posts)`]);
    expect(await f.queueDepth()).toBe(0);
  });

  it('rides out a 429/5xx storm of several seconds, honouring Retry-After; everything arrives', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => f.seed.task({ subject: `Storm ${i}`, companyId: 'D101' })));
    f.sandbox.faults.set({ rateLimitForMs: 2500, retryAfterSeconds: 1 });
    setTimeout(() => f.sandbox.faults.set({ serverErrorsForMs: 1500 }), 2500);
    const started = Date.now();
    const worker = f.worker();
    while (Date.now() - started < 20_000 && (await f.queueDepth()) > 0) {
      await worker.runBatch();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    for (const id of ids) expect(onlyPost(id).body_text).toMatch(/^Storm \d+$/);
  });

  it('a create whose answer is dropped makes one post, not two', async () => {
    f.sandbox.faults.set({ dropCreateResponses: 3 });
    const ids = await Promise.all([1, 2, 3].map((i) => f.seed.task({ subject: `Dropped ${i}`, companyId: 'D101' })));
    await drain();
    for (const id of ids) onlyPost(id);
  });

  it('retries up to maxAttempts, then dead-letters with the reason, visible in the log', async () => {
    await writeSetting(f.db, 'maxAttempts', 2, 'test');
    const worker = f.worker({ options: async () => ({ ...(await import('../../sync/options.js')).defaultSyncOptions({ ...f.options, maxAttempts: 2 }) }) });
    f.sandbox.faults.set({ serverErrorsForMs: 60_000 });
    const id = await f.seed.task({ subject: 'Never', companyId: 'D101' });
    await worker.runBatch();
    await f.db.table(OBJECTS.queue).update({ NEXT_ATTEMPT_AT: new Date(Date.now() - 1000) });
    await worker.runBatch();
    f.sandbox.faults.clear();
    const dead = (await logEntries(f.db, 'dead')).filter((e) => e.ACTIVITY_SEQNO === id);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.REASON).toMatch(/^gave up after 2 attempts: Numerik answered 503.* \((GET|POST) \/posts\)$/);
    expect(await f.queueDepth()).toBe(0);
    await writeSetting(f.db, 'maxAttempts', 8, 'test');
  });

  it('an activity edited 50 times in a burst is sent far fewer times, and its final state arrives', async () => {
    const id = await f.seed.task({ subject: 'Burst', details: 'edit 0', companyId: 'D101' });
    await drain();
    const worker = f.worker();
    worker.start();
    const patches = calls('PATCH /posts/:id');
    for (let i = 1; i <= 50; i++) await tasks().where({ SEQNO: id }).update({ DETAILS: `edit ${i}` });
    for (let i = 0; i < 100 && (await f.queueDepth()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    const sends = calls('PATCH /posts/:id') - patches;
    expect(sends).toBeGreaterThan(0);
    expect(sends).toBeLessThan(25);
    expect(onlyPost(id).body_text).toBe('edit 50');
  });

  it('keeps the post when the activity is deleted in Exo, marks it, and stops syncing it', async () => {
    const id = await f.seed.task({ subject: 'To delete', companyId: 'D101' });
    await drain();
    await tasks().where({ SEQNO: id }).update({ DELETED_FLAG: 'Y' });
    await drain();
    await tasks().where({ SEQNO: id }).update({ DETAILS: 'after delete' });
    await drain();
    expect(onlyPost(id)).toMatchObject({ body_text: expect.stringMatching(/^Deleted in Exo: To delete\n\n\[Deleted in Exo by an Exo user on \d{1,2} \w{3} \d{4} \d\d:\d\d\]$/), deleted_at: null });
    expect((await f.db.table(OBJECTS.postLink).where({ ACTIVITY_SEQNO: id }).select('STATE'))[0]).toEqual({ STATE: 'exo-deleted' });
  });

  it('a conflict (both sides changed since the last sync) follows conflictPolicy and keeps the losing version', async () => {
    const id = await f.seed.task({ subject: 'Contested', details: 'v1', companyId: 'D101' });
    await drain();
    const post = onlyPost(id);
    f.sandbox.store.updatePost(post.id, { body_text: 'changed in Numerik' });
    await tasks().where({ SEQNO: id }).update({ DETAILS: 'changed in Exo', MODIFIEDDATE: wall('2000-01-01T00:00:00.000') });
    await drain();
    // newest-wins: the Numerik edit is newer than Exo's (stamped 2000): both sides now show Numerik's text.
    expect(onlyPost(id).body_text).toBe('changed in Numerik');
    expect((await tasks().where({ SEQNO: id }).select('SUBJECT', 'DETAILS'))[0]).toEqual({ SUBJECT: 'changed in Numerik', DETAILS: 'changed in Numerik' });
    const conflict = (await logEntries(f.db, 'conflict')).find((e) => e.ACTIVITY_SEQNO === id)!;
    expect(conflict.REASON).toBe("conflict (newest-wins) on body_text: Numerik's version won; the other is kept here");
    expect(JSON.parse(conflict.DETAIL!)).toMatchObject({ winner: 'numerik', fields: ['body_text'], losing: { side: 'exo', activity: { details: 'changed in Exo' } } });
    expect(await f.queueDepth()).toBe(0);
  });

  it('is paused while syncExoToNumerik is off, and catches up when it is on again', async () => {
    await writeSetting(f.db, 'syncExoToNumerik', false, 'test');
    const worker = f.worker({ options: async () => (await import('../../sync/options.js')).defaultSyncOptions({ ...f.options, syncExoToNumerik: false }) });
    const id = await f.seed.task({ subject: 'While paused', companyId: 'D101' });
    expect(await worker.runBatch()).toBe(0);
    expect(await f.db.table(OBJECTS.queue).where({ ACTIVITY_SEQNO: id }).select('STATE')).toEqual([{ STATE: 'ready' }]);
    await writeSetting(f.db, 'syncExoToNumerik', true, 'test');
    await drain();
    onlyPost(id);
  });
});
