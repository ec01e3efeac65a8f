import { afterEach, expect, it } from 'vitest';
import { disarmAll, holdAt } from '../../sync/failpoints.js';
import { logEntries, postsByActivity, settled, withRunningSite, type SyncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

const wall = (iso: string) => new Date(`${iso}Z`);

/**
 * The sync compares states (README, "Compared as states"): a field set and set back on one side
 * between two of its reads is no change there, whichever side it is, and the other side's change
 * stands without a card, though the setting back came later. Torture seeds 80052 and 81113 (Exo
 * set back) and 80095 and 79027 (Numerik) are this rule, met while the workers were down.
 */
forEachTarget('a field set and set back between two of the sync’s reads', (engine) => {
  let f: SyncFixture;
  const task = async (seqno: number) => (await f.db.table('TASKS').where({ SEQNO: seqno }).first('END_DATETIME')) as { END_DATETIME: Date };
  const linked = async (subject: string) => {
    const id = await f.seed.task({ subject, details: `${subject}\nTo the hall`, companyId: 'D101', assignedTo: f.staff.ann, end: wall('2026-12-10T09:00:00.000') });
    await settled(f);
    return { id, post: postsByActivity(f.sandbox).get(id)![0]! };
  };
  const cards = async (seqno: number) => (await logEntries(f.db, 'conflict')).filter((c) => c.ACTIVITY_SEQNO === seqno);

  withRunningSite(engine, { defaultStaff: 'ANN' }, (site) => ({ f } = site));
  afterEach(() => disarmAll());

  it("set and set back in Exo after Numerik changed it: Numerik's date stands on both sides, and no card", async () => {
    const { id, post } = await linked('Set back in Exo');
    const inbound = holdAt('converge.after-read', (c) => c.direction === 'inbound' && c.postId === post.id);
    f.sandbox.store.updatePost(post.id, { due_at: '2026-12-14T20:00:00.000Z' }, undefined, f.users.ann);
    await inbound.reached;
    // Later than Numerik's change, and in one transaction: the sync can read only what it committed.
    await f.db.knex.transaction(async (trx) => {
      await trx(`${f.db.target.schema}.TASKS`).where({ SEQNO: id }).update({ END_DATETIME: wall('2026-12-11T09:00:00.000') });
      await trx(`${f.db.target.schema}.TASKS`).where({ SEQNO: id }).update({ END_DATETIME: wall('2026-12-10T09:00:00.000') });
    });
    inbound.release();
    await settled(f);
    expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-14T20:00:00.000Z');
    expect((await task(id)).END_DATETIME).toEqual(wall('2026-12-15T09:00:00.000'));
    expect(await cards(id)).toEqual([]);
  });

  it("set and set back in Numerik after Exo changed it: Exo's date stands on both sides, and no card", async () => {
    const { id, post } = await linked('Set back in Numerik');
    const agreed = f.sandbox.store.posts.get(post.id)!.due_at;
    const outbound = holdAt('outbound.after-read', (c) => c.seqno === id);
    await f.db.table('TASKS').where({ SEQNO: id }).update({ END_DATETIME: wall('2026-12-11T09:00:00.000') });
    await outbound.reached;
    // Later than Exo's change, and back to back: no webhook's fetch can read the first.
    f.sandbox.store.updatePost(post.id, { due_at: '2026-12-14T20:00:00.000Z' }, undefined, f.users.ann);
    f.sandbox.store.updatePost(post.id, { due_at: agreed }, undefined, f.users.ann);
    outbound.release();
    await settled(f);
    expect(f.sandbox.store.posts.get(post.id)!.due_at).toBe('2026-12-10T20:00:00.000Z');
    expect((await task(id)).END_DATETIME).toEqual(wall('2026-12-11T09:00:00.000'));
    expect(await cards(id)).toEqual([]);
  });
});
