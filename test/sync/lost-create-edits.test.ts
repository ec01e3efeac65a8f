import { afterEach, expect, it } from 'vitest';
import { readActivities } from '../../db/exo/activities.js';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { loadLookups } from '../../sync/lookups.js';
import { NumerikClient } from '../../sync/numerik/client.js';
import type { Post } from '../../sync/numerik/types.js';
import { optionsSource } from '../../sync/options-source.js';
import { sendActivity } from '../../sync/outbound/send.js';
import { logEntries, postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

/**
 * A create whose answer was lost leaves a post the sync made but has not linked. Until it is found
 * (by the create's retry, or by the inbound side adopting it), a Numerik user may edit the post and
 * an Exo user the activity: linking the two must merge both edits against the post as it was
 * created, not put Exo's state over the post (issue 21: Numerik lines lost after a kill -9).
 */
forEachTarget('edits made while a create\'s answer was lost', (engine) => {
  let f: SyncFixture;
  afterEach(async () => {
    await f?.close();
  });

  const CREATED = 'Answer lost\nCall Jo\nabout the chairs\nthen lunch';
  const MERGED = 'Answer lost\nCall Jo\nabout the chairs and tables\nthen lunch\nbring samples';

  /** An activity whose first create reaches Numerik with its answer lost: the post as created. */
  async function lostCreate(details: string, created: string): Promise<{ seqno: number; post: Post }> {
    f = await syncFixture(engine);
    await f.refresh();
    const seqno = await f.seed.task({ subject: 'Answer lost', details, companyId: 'D101', assignedTo: f.staff.ann });
    const lookups = await loadLookups(f.db, await optionsSource(f.db, f.options)());
    const activity = (await readActivities(f.db, [seqno])).get(seqno);
    f.sandbox.faults.set({ dropCreateResponses: 1 });
    // A worker that dies with the lost answer: no retry of its own.
    const dying = new NumerikClient({ baseUrl: f.sandbox.url, token: f.sandbox.token, retries: 0 });
    const first = await sendActivity({ db: f.db, client: dying, finish: async () => true, worker: 'test' }, seqno, activity, undefined, lookups, 1);
    expect(first.kind).toBe('retry');
    const [post] = postsByActivity(f.sandbox).get(seqno) ?? [];
    expect(post?.body_text).toBe(created);
    return { seqno, post: post! };
  }

  /** The first create's answer is lost; then Ann edits the post and Jo the activity. */
  async function lostCreateThenBothEdit(): Promise<{ seqno: number; postId: string }> {
    const { seqno, post } = await lostCreate('Call Jo\nabout the chairs\nthen lunch', CREATED);
    f.sandbox.store.updatePost(post.id, { body_text: CREATED.replace('about the chairs', 'about the chairs and tables') }, undefined, f.users.ann);
    await f.db.table('TASKS').where({ SEQNO: seqno }).update({ DETAILS: 'Call Jo\nabout the chairs\nthen lunch\nbring samples' });
    return { seqno, postId: post.id };
  }

  async function expectBothEditsOnBothSides(seqno: number, postId: string) {
    expect(postsByActivity(f.sandbox).get(seqno)?.map((p) => p.id)).toEqual([postId]);
    expect(f.sandbox.store.posts.get(postId)!.body_text).toBe(MERGED);
    const activity = (await readActivities(f.db, [seqno])).get(seqno)!;
    expect(activity.details).toBe(MERGED);
    expect(activity.subject).toBe('Answer lost');
    expect((await readPostLinks(f.db, [seqno])).get(seqno)?.postId).toBe(postId);
    expect(await logEntries(f.db, 'conflict')).toEqual([]);
  }

  // Torture seeds 93005, 93038: the activity's details began with its subject, so the create did not
  // put the subject in front (rule 2); a line Jo inserted above it must not bring a second one.
  it("a line inserted above the first while the create's answer was lost is Jo's only edit: the subject line is not doubled", async () => {
    const { seqno, post } = await lostCreate('Answer lost\nCall Jo', 'Answer lost\nCall Jo');
    await f.db.table('TASKS').where({ SEQNO: seqno }).update({ DETAILS: 'Urgent\nAnswer lost\nCall Jo' });
    await f.worker().drain();
    expect(f.sandbox.store.posts.get(post.id)!.body_text).toBe('Urgent\nAnswer lost\nCall Jo');
    expect((await readActivities(f.db, [seqno])).get(seqno)!.details).toBe('Urgent\nAnswer lost\nCall Jo');
    expect(await logEntries(f.db, 'conflict')).toEqual([]);
  });

  it("the create's retry finds the post: Ann's edit and Jo's both reach both sides, no conflict", async () => {
    const { seqno, postId } = await lostCreateThenBothEdit();
    await f.worker().drain();
    await expectBothEditsOnBothSides(seqno, postId);
    expect(await f.queueDepth()).toBe(0);
  });

  it("the inbound side adopts the post (the creating worker died): Ann's edit and Jo's both reach both sides, no conflict", async () => {
    const { seqno, postId } = await lostCreateThenBothEdit();
    const post = f.sandbox.store.posts.get(postId)!;
    await storeEvent(f.db, { eventId: `evt_${postId}_${post.version}`, type: 'post.updated', postId, version: post.version, source: 'webhook' });
    await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options) }).drain();
    await expectBothEditsOnBothSides(seqno, postId);
    // What the adoption wrote to Exo is the sync's own: the outbound side sends nothing more.
    const version = f.sandbox.store.posts.get(postId)!.version;
    await f.worker().drain();
    await expectBothEditsOnBothSides(seqno, postId);
    expect(f.sandbox.store.posts.get(postId)!.version).toBe(version);
    expect(await f.queueDepth()).toBe(0);
  });
});
