import { afterAll, beforeAll, expect, it } from 'vitest';
import { dbOver } from '../../db/connect.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { reconcile } from '../../sync/inbound/reconcile.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { defaultSyncOptions, type SyncOptions } from '../../sync/options.js';
import type { PreviewItem } from '../../sync/preview/item.js';
import { runPreview } from '../../sync/preview/preview.js';
import { forEachTarget } from '../support/targets.js';
import { postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';

const wall = (iso: string) => new Date(`${iso}Z`);

forEachTarget('preview: what the sync would do, item by item, writing nothing', (engine) => {
  let f: SyncFixture;
  let on: SyncOptions;
  const keyOf = (i: { direction: string; activitySeqno: number | null; postId: string | null }) => (i.direction === 'outbound' ? `outbound:activity ${i.activitySeqno}` : `inbound:post ${i.postId}`);
  const preview = async (options: SyncOptions = on) => {
    const items: PreviewItem[] = [];
    const summary = await runPreview(f.db, f.client, options, {}, (item) => void items.push(item));
    return { items, summary };
  };
  const counts = async () => {
    const n = async (table: string) => Number(((await f.db.table(table).count({ n: '*' }))[0] as { n: number | string }).n);
    return { tasks: await n('TASKS'), links: await n(OBJECTS.postLink), queue: await n(OBJECTS.queue), inbox: await n(OBJECTS.inbox), log: await n(OBJECTS.log), posts: f.sandbox.store.posts.size, writes: ['POST /posts', 'PATCH /posts/:id', 'DELETE /posts/:id'].map((r) => f.sandbox.calls.get(r) ?? 0) };
  };

  beforeAll(async () => {
    const syncFrom = new Date(Date.now() - 60_000).toISOString();
    f = await syncFixture(engine, { syncExoToNumerik: false, syncNumerikToExo: false, syncFrom });
    on = defaultSyncOptions({ ...f.options, syncExoToNumerik: true, syncNumerikToExo: true });
  });
  afterAll(() => f.close());

  it('matches what the live sync then does, and writes nothing to either side', async () => {
    // Two activities synced while the sync was on: one edited in Exo since, one on both sides.
    const worker = () => f.worker({ options: async () => on });
    const edited = await f.seed.task({ subject: 'Edited in Exo', details: 'Edited in Exo\nv1', companyId: 'D101', assignedTo: f.staff.ann });
    const both = await f.seed.task({ subject: 'Both sides', details: 'Both sides\nv1', companyId: 'D101', assignedTo: f.staff.ann, end: wall('2026-12-10T09:00:00.000') });
    const deleted = await f.seed.task({ subject: 'Deleted later', companyId: 'D101', assignedTo: f.staff.ann });
    await worker().drain();
    await f.db.table('TASKS').where({ SEQNO: deleted }).update({ DELETED_FLAG: 'Y' });
    const bothPost = postsByActivity(f.sandbox).get(both)![0]!;
    await f.db.table('TASKS').where({ SEQNO: edited }).update({ DETAILS: 'Edited in Exo\nv2' });
    await f.db.table('TASKS').where({ SEQNO: both }).update({ END_DATETIME: wall('2026-12-11T09:00:00.000') });
    f.sandbox.store.updatePost(bothPost.id, { body_text: 'Both sides\nv1, and Numerik' }, undefined, f.users.raj);
    // Queued while it is off: new, waiting for its customer, excluded.
    const fresh = await f.seed.task({ subject: 'Brand new', details: 'Brand new\nfor Acme', companyId: 'D101' });
    const unlinked = await f.seed.task({ subject: 'Kitchen quote', companyId: 'D102' });
    const excluded = await f.seed.task({ subject: 'Private', companyId: 'D101', assignedTo: f.staff.eve });
    // In Numerik meanwhile: a new post, one for a customer Exo has no account for.
    const stranger = f.sandbox.store.upsertCustomer({ name: 'Nobody in Exo', external_ref: null });
    const newPost = f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: 'Met at the fair\nwants samples' }, f.users.ann).post;
    const orphan = f.sandbox.store.createPost({ type: 'note', customer_id: stranger.id, body_text: 'Unknown customer' }, f.users.ann).post;

    const before = await counts();
    const { items, summary } = await preview();
    expect(await counts()).toEqual(before);
    expect(summary.unreadable).toEqual([]);
    const decided = new Map(items.filter((i) => i.decision !== 'nothing').map((i) => [keyOf(i), i]));
    expect(Object.fromEntries([...decided].map(([k, i]) => [k, i.decision]))).toEqual({
      [`outbound:activity ${edited}`]: 'update',
      [`outbound:activity ${both}`]: 'update',
      [`outbound:activity ${fresh}`]: 'create',
      [`outbound:activity ${unlinked}`]: 'park',
      [`outbound:activity ${excluded}`]: 'skip',
      [`outbound:activity ${deleted}`]: 'update',
      [`inbound:post ${newPost.id}`]: 'create',
      [`inbound:post ${orphan.id}`]: 'park',
    });
    // The post changed on both sides is merged once, with its activity's queued change.
    expect(items.find((i) => i.direction === 'inbound' && i.postId === bothPost.id)).toMatchObject({ decision: 'nothing', reason: "merged with its activity's queued change (see Exo → Numerik)" });
    expect(decided.get(`outbound:activity ${fresh}`)).toMatchObject({ reason: 'a new task', numerikText: 'Brand new …' });
    expect(decided.get(`outbound:activity ${unlinked}`)!.reason).toBe('customer not linked');
    expect(decided.get(`outbound:activity ${excluded}`)!.reason).toBe(`staff ${f.staff.eve} is excluded`);
    expect(decided.get(`outbound:activity ${edited}`)).toMatchObject({ reason: 'sends body_text', numerikText: 'Edited in Exo …' });
    expect(decided.get(`outbound:activity ${both}`)!.reason).toMatch(/^sent due_at to Numerik; wrote .*body_text.* to Exo|sent due_at to Numerik/);
    expect(decided.get(`inbound:post ${newPost.id}`)).toMatchObject({ reason: 'a new activity from the note', exoText: 'Met at the fair …' });

    // Switch on, and compare item by item with what the sync did.
    const firstLog = Number(((await f.db.table(OBJECTS.log).max({ id: 'ID' }))[0] as { id: number | string | null }).id ?? 0);
    await worker().drain();
    await reconcile(f.db, f.client, on);
    await new InboundWorker({ db: f.db, client: f.client, options: async () => on }).drain();
    const entries = (await f.db.table(OBJECTS.log).where('ID', '>', firstLog).select('DIRECTION', 'KIND', 'ACTIVITY_SEQNO', 'POST_ID', 'REASON')) as { DIRECTION: string; KIND: string; ACTIVITY_SEQNO: number | null; POST_ID: string | null; REASON: string }[];
    const live = (i: PreviewItem) => {
      const mine = entries.filter((e) => e.DIRECTION === i.direction && (i.direction === 'outbound' ? e.ACTIVITY_SEQNO === i.activitySeqno : e.POST_ID === i.postId));
      if (mine.some((e) => e.KIND === 'parked')) return 'park';
      if (mine.some((e) => e.KIND === 'skipped')) return 'skip';
      if (mine.some((e) => e.KIND === 'dead')) return 'refuse';
      const synced = mine.filter((e) => e.KIND === 'synced');
      if (synced.some((e) => /^created /.test(e.REASON))) return 'create';
      return synced.length ? 'update' : 'nothing';
    };
    for (const item of decided.values()) expect(live(item), `${keyOf(item)}: ${item.reason}`).toBe(item.decision);
  });

  it('with Numerik away, still reports what it can decide, and says what it could not read', async () => {
    const id = await f.seed.task({ subject: 'Offline create', companyId: 'D101' });
    f.sandbox.faults.set({ serverErrorsForMs: 60_000 });
    try {
      const { items, summary } = await preview();
      expect(items.find((i) => i.activitySeqno === id)).toMatchObject({ decision: 'create', numerikText: 'Offline create' });
      expect(summary.unreadable).toContainEqual(expect.stringMatching(/^Numerik's recent posts: Numerik answered 503/));
    } finally {
      f.sandbox.faults.clear();
    }
  });

  it('with the database not readable, says so and reports nothing it cannot know', async () => {
    const away = dbOver(f.db.knex, { ...f.db.target, schema: 'no_such_schema' }, async () => undefined);
    const summary = await runPreview(away, f.client, on, {}, () => undefined);
    expect(summary.items).toBe(0);
    expect(summary.unreadable).toEqual([expect.stringMatching(/^the Exo database: /)]);
  });
});
