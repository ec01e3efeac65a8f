import { afterEach, expect, it } from 'vitest';
import { readActivities } from '../../db/exo/activities.js';
import { storeEvent } from '../../db/plugin/inbox/store-event.js';
import { createIntent } from '../../db/plugin/links/create-intents.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { InboundWorker } from '../../sync/inbound/worker.js';
import { loadLookups } from '../../sync/lookups.js';
import { createKey, externalRef } from '../../sync/mapping/external-ref.js';
import { optionsSource } from '../../sync/options-source.js';
import { sendActivity } from '../../sync/outbound/send.js';
import { postsByActivity, syncFixture, type SyncFixture } from '../support/sync.js';
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
    const outcome = await sendActivity({ db: f.db, client: f.client, finish: async () => true }, seqno, activity, undefined, lookups, 2);
    expect(outcome.kind).toBe('retry');
    expect(postsByActivity(f.sandbox).get(seqno)?.map((p) => p.id)).toEqual([lost.id]);
    // Started over, it finds the link and brings the two together: still the one post.
    await f.worker().drain();
    expect(postsByActivity(f.sandbox).get(seqno)?.map((p) => p.id)).toEqual([lost.id]);
    expect(await f.queueDepth()).toBe(0);
  });
});
