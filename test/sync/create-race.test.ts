import { afterEach, expect, it } from 'vitest';
import { readActivities } from '../../db/exo/activities.js';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { createIntent, readCreateIntent } from '../../db/plugin/links/create-intents.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { adoptionOf } from '../../sync/inbound/adoption.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { loadLookups } from '../../sync/lookups.js';
import { createKey, externalRef } from '../../sync/mapping/external-ref.js';
import type { Post, WebhookEvent } from '../../sync/numerik/types.js';
import { optionsSource } from '../../sync/options-source.js';
import { sendActivity } from '../../sync/outbound/send.js';
import { recordAction } from '../../sync/record/actions.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

/**
 * The kill -9 case that once made two posts for one activity: a worker's create reached Numerik
 * but its answer (and the worker) did not come back; the next worker's inbound side adopts that
 * post (link written, create token spent) while its outbound side, having read "no link" just
 * before, retries the create.
 */
forEachTarget('a create retried after its lost post was adopted', (engine) => {
  let f: SyncFixture;
  afterEach(async () => {
    await f?.close();
  });

  it('makes no second post: the retry sees the link the adoption wrote and sends nothing', async () => {
    f = await syncFixture(engine);
    await f.refresh();
    const seqno = await f.seed.task({ subject: 'Answer lost', details: 'Call Jo', companyId: 'D101', assignedTo: f.staff.ann });
    const options = await optionsSource(f.db, f.options)();
    const lookups = await loadLookups(f.db, options);
    const activity = (await readActivities(f.db, [seqno])).get(seqno);

    // The first attempt: its token recorded, its post made in Numerik, its answer lost.
    const token = await createIntent(f.db, seqno);
    const lost = f.sandbox.store.createPost({ type: 'task', customer_id: f.customers.acme, body_text: 'Answer lost\nCall Jo', external_ref: externalRef(seqno, token) }, f.sandbox.store.apiUser.id, createKey(seqno, token)).post;
    // The next worker's inbound side adopts it (the reconcile poll brought it to the inbox).
    await storeEvent(f.db, { eventId: `evt_${lost.id}`, type: 'post.created', postId: lost.id, version: lost.version, source: 'reconcile' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options) }).drain();
    expect((await readPostLinks(f.db, [seqno])).get(seqno)?.postId).toBe(lost.id);

    // Its outbound side read the links before that, and tries the create again (attempt 2).
    const outcome = await sendActivity({ db: f.db, client: f.client, finish: async () => true, worker: 'test' }, seqno, activity, undefined, lookups, 2);
    expect(outcome.kind).toBe('retry');
    expect(postsByActivity(f.sandbox).get(seqno)?.map((p) => p.id)).toEqual([lost.id]);
    // Started over, it finds the link and brings the two together: still the one post.
    await f.worker().drain();
    expect(postsByActivity(f.sandbox).get(seqno)?.map((p) => p.id)).toEqual([lost.id]);
    expect(await f.queueDepth()).toBe(0);
  });
});

/**
 * A create retry (and the inbound side) takes a post found by its external_ref only when it is the
 * one post carrying the create's token and is not older than it: a Numerik user who copied the
 * reference onto their own post while the create's answer was lost keeps their text.
 */
forEachTarget('a create retry adopts only the sync\'s own post', (engine) => {
  let f: SyncFixture;
  afterEach(async () => {
    await f?.close();
  });

  const store = () => f.sandbox.store;
  const stored = (id: string) => structuredClone(store().posts.get(id)!);
  const liveFor = (seqno: number) => (postsByActivity(f.sandbox).get(seqno) ?? []).filter((p) => !p.deleted_at).map((p) => p.id);
  const ANN_TEXT = 'My own visit notes\nJo wants a discount';
  /** Ann's own post, made this morning, long before any create of the sync. */
  const annsOlderPost = (): Post => {
    const post = store().createPost({ type: 'note', customer_id: f.customers.acme, body_text: ANN_TEXT }, f.users.ann).post;
    store().posts.get(post.id)!.created_at = new Date(Date.now() - 3 * 3_600_000).toISOString();
    return stored(post.id);
  };
  /** Numerik's app lets a user edit a post's reference (the API does not): written in the store, as that edit would be, by Ann. */
  const annPastes = (postId: string, ref: string) => {
    store().posts.get(postId)!.external_ref = ref;
    store().updatePost(postId, {}, undefined, f.users.ann);
  };
  /** Ann duplicates the sync's post in Numerik the moment it is made (its reference copied with it), before the lost answer is retried. */
  const annCopiesOnCreate = (seqno: number) => {
    let copy: Post | undefined;
    const onEvent = (event: WebhookEvent) => {
      const made = store().posts.get(event.data.post_id);
      if (event.type !== 'post.created' || !made?.external_ref?.startsWith(`exo-task:${seqno}:`)) return;
      // Off first: the copy's own post.created comes back here.
      store().events.off('event', onEvent);
      copy = store().createPost({ type: 'note', customer_id: f.customers.acme, body_text: ANN_TEXT, external_ref: made.external_ref }, f.users.ann).post;
    };
    store().events.on('event', onEvent);
    return () => copy!;
  };
  const task = () => f.seed.task({ subject: 'Answer lost', details: 'Call Jo', companyId: 'D101', assignedTo: f.staff.ann });

  it("the sync's own create, its answer lost, is adopted once", async () => {
    f = await syncFixture(engine);
    const seqno = await task();
    f.sandbox.faults.set({ dropCreateResponses: 1 });
    await f.worker().drain();
    const [own] = liveFor(seqno);
    expect(liveFor(seqno)).toEqual([own]);
    expect((await readPostLinks(f.db, [seqno])).get(seqno)?.postId).toBe(own);
    expect(await readCreateIntent(f.db, seqno)).toBeUndefined();
    expect(await logEntries(f.db, 'parked')).toEqual([]);
    expect(await f.queueDepth()).toBe(0);
  });

  it("a user's copy of the reference, the create's answer lost: neither post is taken nor changed, the activity parks with the reason, and once the copy is gone the sync's own is adopted", async () => {
    f = await syncFixture(engine);
    const seqno = await task();
    const copyOf = annCopiesOnCreate(seqno);
    f.sandbox.faults.set({ dropCreateResponses: 1 });
    await f.worker().drain();
    const copy = copyOf();
    const own = liveFor(seqno).find((id) => id !== copy.id)!;
    const before = { copy: stored(copy.id), own: stored(own) };

    // Refused: no link, no third post, both posts as they were; the reason names both, for a person.
    expect(liveFor(seqno).sort()).toEqual([copy.id, own].sort());
    expect((await readPostLinks(f.db, [seqno])).has(seqno)).toBe(false);
    expect(stored(copy.id)).toEqual(before.copy);
    expect(stored(copy.id).body_text).toBe(ANN_TEXT);
    const parked = await logEntries(f.db, 'parked');
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ ACTIVITY_SEQNO: seqno, RESOLVED_AT: null });
    expect(parked[0]!.REASON).toMatch(/^2 posts in Numerik carry the external_ref of activity \d+'s create/);
    expect(parked[0]!.REASON).toContain(copy.id);
    expect(parked[0]!.REASON).toContain(own);
    expect(await f.queueDepth()).toBe(0);

    // The inbound side, asked about either post with Numerik's list at hand, takes neither.
    expect(await adoptionOf(f.db, stored(copy.id), f.client)).toEqual({ park: parked[0]!.REASON });
    expect(await adoptionOf(f.db, stored(own), f.client)).toEqual({ park: parked[0]!.REASON });

    // An Exo edit meanwhile starts a fresh queue row (attempt 1): it still looks first, and parks again.
    await f.db.table('TASKS').where({ SEQNO: seqno }).update({ DETAILS: 'Call Jo\nabout the chairs' });
    await f.worker().drain();
    expect(liveFor(seqno).sort()).toEqual([copy.id, own].sort());
    expect(stored(copy.id)).toEqual(before.copy);

    // Ann deletes her copy; the operator retries: exactly one post carries the token now.
    store().deletePost(copy.id, f.users.ann);
    const lookups = await loadLookups(f.db, await optionsSource(f.db, f.options)());
    await recordAction({ db: f.db, client: f.client, lookups }, { activity: seqno }, 'retry', 'Jo');
    await f.worker().drain();
    expect(liveFor(seqno)).toEqual([own]);
    expect((await readPostLinks(f.db, [seqno])).get(seqno)?.postId).toBe(own);
    expect(stored(own).body_text).toBe('Answer lost\nCall Jo\nabout the chairs');
    expect(store().posts.get(copy.id)!.body_text).toBe(ANN_TEXT);
    expect((await logEntries(f.db, 'parked')).filter((e) => !e.RESOLVED_AT)).toEqual([]);
  });

  it("a user's own older post carrying the pasted reference is never taken, even as the only post carrying it", async () => {
    f = await syncFixture(engine);
    const seqno = await task();
    const mine = annsOlderPost();
    const options = await optionsSource(f.db, f.options)();
    const lookups = await loadLookups(f.db, options);
    const activity = (await readActivities(f.db, [seqno])).get(seqno);
    // The sync's create went through, its answer lost; Ann pasted its reference onto her post and deleted the sync's.
    const token = await createIntent(f.db, seqno);
    const ref = externalRef(seqno, token);
    const lost = store().createPost({ type: 'task', customer_id: f.customers.acme, body_text: 'Answer lost\nCall Jo', external_ref: ref }, store().apiUser.id, createKey(seqno, token)).post;
    annPastes(mine.id, ref);
    store().deletePost(lost.id, f.users.ann);
    const before = stored(mine.id);

    const outcome = await sendActivity({ db: f.db, client: f.client, finish: async () => true, worker: 'test' }, seqno, activity, undefined, lookups, 2);
    expect(outcome).toMatchObject({ kind: 'park', reason: expect.stringContaining(`post ${mine.id} carries the external_ref of activity ${seqno}'s create but was made`) });
    expect(stored(mine.id)).toEqual(before);
    expect(liveFor(seqno)).toEqual([mine.id]);

    // Inbound, her post is a post like any other: an activity of its own, her text as she wrote it.
    await storeEvent(f.db, { eventId: `evt_${mine.id}`, type: 'post.updated', postId: mine.id, version: before.version, source: 'reconcile' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options) }).drain();
    const link = (await f.db.table(OBJECTS.postLink).where({ POST_ID: mine.id }).first('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number } | undefined;
    expect(link?.ACTIVITY_SEQNO).toBeDefined();
    expect(link?.ACTIVITY_SEQNO).not.toBe(seqno);
    expect((await readPostLinks(f.db, [seqno])).has(seqno)).toBe(false);
    expect(store().posts.get(mine.id)!.body_text).toBe(ANN_TEXT);
    const notes = await logEntries(f.db, 'note');
    expect(notes.some((e) => e.POST_ID === mine.id && e.REASON.includes('copied reference, treated as plain text'))).toBe(true);
  });
});
