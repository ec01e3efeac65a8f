import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { loadLookups } from '../../sync/lookups.js';
import { defaultSyncOptions } from '../../sync/options.js';
import { ActionRefusedError, chooseConflict, type ActionDeps } from '../../sync/record/actions.js';
import { forEachTarget } from '../support/targets.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const wall = (iso: string) => new Date(`${iso}Z`);

forEachTarget('a conflict card settled field by field', (engine) => {
  let f: SyncFixture;
  let sys: number;
  const drain = () => f.worker().drain();
  const deps = async (): Promise<ActionDeps> => ({ db: f.db, client: f.client, lookups: await loadLookups(f.db, defaultSyncOptions(f.options)) });
  const card = async (id: number) =>
    (await f.db.table(OBJECTS.log).where({ ID: id }).first('DETAIL', 'RESOLVED_AT', 'RESOLVED_BY', 'RESOLUTION')) as { DETAIL: string; RESOLVED_AT: Date | null; RESOLVED_BY: string | null; RESOLUTION: string | null };
  const task = async (seqno: number) => (await f.db.table('TASKS').where({ SEQNO: seqno }).first('DETAILS', 'END_DATETIME', 'MODIFIEDBY', 'X_NUMERIK_STATE')) as Record<string, unknown>;

  /** Raj edits the text and the due date in Exo; then Ann edits the same line and the due date in Numerik: Numerik's is newer and wins both. */
  const twoFieldConflict = async (subject: string) => {
    const id = await f.seed.task({ subject, details: `${subject}\nTo the hall`, companyId: 'D101', assignedTo: f.staff.ann, end: wall('2026-12-10T09:00:00.000') });
    await drain();
    const post = postsByActivity(f.sandbox).get(id)![0]!;
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: `${subject}\nTo the main hall`, END_DATETIME: wall('2026-12-11T09:00:00.000'), MODIFIEDBY: f.staff.raj });
    f.sandbox.store.updatePost(post.id, { body_text: `${subject}\nTo the school hall`, due_at: '2026-12-14T20:00:00.000Z' }, undefined, f.users.ann);
    await drain();
    const [row] = (await f.db.table(OBJECTS.log).where({ KIND: 'conflict', ACTIVITY_SEQNO: id }).whereNull('RESOLVED_AT').select('ID')) as { ID: number | string }[];
    return { id, post, conflictId: Number(row!.ID) };
  };

  beforeAll(async () => {
    f = await syncFixture(engine, { defaultStaff: 'ANN', systemStaff: 'SYNC' });
    sys = await f.seed.staff({ name: 'exo-numerik', loginId: 'SYNC' });
  });
  afterAll(() => f.close());
  beforeEach(() => f.sandbox.faults.clear());

  it("the card says whose edits met and when, and the activity's subject", async () => {
    const { post, conflictId } = await twoFieldConflict('Deliver chairs');
    const detail = JSON.parse((await card(conflictId)).DETAIL) as Record<string, unknown>;
    expect(detail).toMatchObject({ winner: 'numerik', fields: expect.arrayContaining(['body_text', 'due_at']), subject: 'Deliver chairs', edits: { exo: { by: 'Raj Patel' }, numerik: { by: 'Ann Smith' } } });
    const edits = detail.edits as Record<'exo' | 'numerik', { at: string }>;
    expect(edits.numerik.at).toBe(f.sandbox.store.posts.get(post.id)!.updated_at);
    expect(Number.isNaN(Date.parse(edits.exo.at))).toBe(false);
  });

  it('one field chosen leaves the others open; the last choice closes the card with everything it did', async () => {
    const { id, post, conflictId } = await twoFieldConflict('Paint the fence');

    const first = await chooseConflict(await deps(), conflictId, 'body_text', 'exo', 'Jo Bloggs');
    expect(first.message).toBe(`conflict #${conflictId} on activity ${id}: Exo's text kept, sent to Numerik by Jo Bloggs; still to choose: due date`);
    expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Paint the fence\nTo the main hall');
    expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-14T20:00:00.000Z');
    let open = await card(conflictId);
    expect(open.RESOLVED_AT).toBeNull();
    expect(JSON.parse(open.DETAIL).choices).toEqual({ body_text: { side: 'exo', by: 'Jo Bloggs', at: expect.any(String), did: "Exo's text kept, sent to Numerik by Jo Bloggs" } });
    // Written to Exo for Jo, who is no staff member: the system staff member, never the default
    // one, and the sync's own Numerik user is not logged as a user without a staff member.
    expect(await task(id)).toMatchObject({ DETAILS: 'Paint the fence\nTo the main hall', MODIFIEDBY: sys, X_NUMERIK_STATE: 'In Numerik · conflict to review: see exo-numerik status' });
    expect((await logEntries(f.db, 'note')).map((e) => e.REASON).filter((r) => r.includes(f.sandbox.store.apiUser.id))).toEqual([]);

    await expect(chooseConflict(await deps(), conflictId, 'body_text', 'numerik', 'Ann')).rejects.toThrow(
      new ActionRefusedError(`conflict #${conflictId}: its text was chosen already (Exo's text kept, sent to Numerik by Jo Bloggs); nothing changed`),
    );

    // Raj, naming himself by e-mail, chooses Exo's due date: the activity is his change.
    const last = await chooseConflict(await deps(), conflictId, 'due_at', 'exo', 'raj@example.com');
    expect(last.message).toBe(`conflict #${conflictId} on activity ${id}: Exo's due date kept, sent to Numerik by raj@example.com`);
    expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-10T20:00:00.000Z');
    expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Paint the fence\nTo the main hall');
    expect(await task(id)).toMatchObject({ END_DATETIME: wall('2026-12-11T09:00:00.000'), MODIFIEDBY: f.staff.raj, X_NUMERIK_STATE: expect.stringMatching(/^In Numerik · synced /) });
    open = await card(conflictId);
    expect(open).toMatchObject({ RESOLVED_BY: 'raj@example.com', RESOLUTION: "Exo's text kept, sent to Numerik by Jo Bloggs; Exo's due date kept, sent to Numerik by raj@example.com" });
    expect(open.RESOLVED_AT).not.toBeNull();
    // Both sides in step: nothing left to send.
    await drain();
    expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Paint the fence\nTo the main hall');
  });

  it("keeping the side that won changes nothing but the card; 'all' takes only the fields still open", async () => {
    const { id, post, conflictId } = await twoFieldConflict('Fix the gate');
    const version = f.sandbox.store.posts.get(post.id)!.version;
    const kept = await chooseConflict(await deps(), conflictId, 'due_at', 'numerik', 'Jo Bloggs');
    expect(kept.message).toBe(`conflict #${conflictId} on activity ${id}: Numerik's due date kept (already on both sides), chosen by Jo Bloggs; still to choose: text`);
    expect(f.sandbox.store.posts.get(post.id)!.version).toBe(version);
    const rest = await chooseConflict(await deps(), conflictId, 'all', 'numerik', 'Jo Bloggs');
    expect(rest.message).toBe(`conflict #${conflictId} on activity ${id}: Numerik's text kept (already on both sides), chosen by Jo Bloggs`);
    expect((await card(conflictId)).RESOLVED_AT).not.toBeNull();
    expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Fix the gate\nTo the school hall');
  });

  // Found while making the choice path right (issue 23, item 2): the columns came from the post as
  // the PATCH returned it, whose updated_by is the sync's own API user.
  it("a merged converge writes Numerik's edit to Exo as the Numerik user who made it, not as the sync's own API user", async () => {
    const id = await f.seed.task({ subject: 'Fix the roof', details: 'Fix the roof\nBring ladders', companyId: 'D101', assignedTo: f.staff.ann, end: wall('2026-12-10T09:00:00.000') });
    await drain();
    const post = postsByActivity(f.sandbox).get(id)![0]!;
    await f.db.table('TASKS').where({ SEQNO: id }).update({ DETAILS: 'Fix the roof\nBring long ladders', MODIFIEDBY: f.staff.ann });
    f.sandbox.store.updatePost(post.id, { due_at: '2026-12-14T20:00:00.000Z' }, undefined, f.users.raj);
    await drain();
    expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Fix the roof\nBring long ladders');
    expect(await task(id)).toMatchObject({ MODIFIEDBY: f.staff.raj });
    expect((await logEntries(f.db, 'note')).filter((e) => e.ACTIVITY_SEQNO === id && /no Exo staff member/.test(String(e.REASON)))).toEqual([]);
  });
});
