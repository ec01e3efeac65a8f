import { expect } from 'vitest';
import { OBJECTS } from '../../db/plugin/objects.js';
import { holdAt, type FailpointName } from '../../sync/failpoints.js';
import type { Post, PostInput } from '../../sync/numerik/types.js';
import { waitFor } from './processes.js';
import { logEntries, settled, type SyncFixture } from './sync.js';

/**
 * The actors of the failpoint tests of concurrent edits (test/sync/concurrency.test.ts and
 * send-interrupted.test.ts): an Exo user saving, a Numerik user editing, and what each test waits
 * for, on the running site `fixture()`.
 */
export function concurrentEdits(fixture: () => SyncFixture) {
  const store = () => fixture().sandbox.store;
  const db = () => fixture().db;
  const numerikCreates = (body: string): Post => store().createPost({ type: 'task', customer_id: fixture().customers.acme, body_text: body } as PostInput, fixture().users.ann).post;
  const numerikEdits = (postId: string, edit: (text: string) => string) => store().updatePost(postId, { body_text: edit(store().getPost(postId).body_text) }, undefined, fixture().users.raj);
  const seqnoOf = async (postId: string) => ((await db().table(OBJECTS.postLink).where({ POST_ID: postId }).first('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number }).ACTIVITY_SEQNO;
  const details = async (seqno: number) => ((await db().table('TASKS').where({ SEQNO: seqno }).first('DETAILS')) as { DETAILS: string }).DETAILS;
  /** As an Exo user saves: the trigger queues it. */
  const exoEdits = async (seqno: number, edit: (text: string) => string) => {
    await db().table('TASKS').where({ SEQNO: seqno }).update({ DETAILS: edit(await details(seqno)) });
  };
  /** As Exo stamps a save (its site-time MODIFIEDDATE), a day ahead so that it is the newer in any zone. */
  const exoSavesNewer = async (seqno: number, edit: (text: string) => string) => {
    await db().table('TASKS').where({ SEQNO: seqno }).update({ DETAILS: edit(await details(seqno)), MODIFIEDDATE: new Date(Date.now() + 86_400_000) });
  };
  const conflictsOf = async (seqno: number) => (await logEntries(db(), 'conflict')).filter((e) => e.ACTIVITY_SEQNO === seqno);
  /** The inbound side has applied the post's current version (the link records it). */
  const applied = (postId: string) =>
    waitFor(
      async () => {
        const link = (await db().table(OBJECTS.postLink).where({ POST_ID: postId }).first('NUMERIK_VERSION')) as { NUMERIK_VERSION: number | null } | undefined;
        return (link?.NUMERIK_VERSION ?? 0) >= store().getPost(postId).version;
      },
      20_000,
      'the inbound side to apply the post',
    );
  /** The inbound side has handed the post's event back, busy: it waits for the other direction. */
  const inboundWaits = (postId: string) =>
    waitFor(
      async () => (await db().table(OBJECTS.inbox).where({ POST_ID: postId }).whereLike('LAST_ERROR', 'busy:%').first('ID')) !== undefined,
      20_000,
      'the inbound side to wait for the send to be recorded',
    );
  /** The outbound side has handed the activity's work back to try again later (Numerik down, say). */
  const outboundRetries = (seqno: number) =>
    waitFor(async () => (await db().table(OBJECTS.queue).where({ ACTIVITY_SEQNO: seqno }).whereNotNull('LAST_ERROR').first('ID')) !== undefined, 20_000, 'the send to wait for Numerik');
  const synced = async (body: string) => {
    const post = numerikCreates(body);
    await settled(fixture());
    return { post, seqno: await seqnoOf(post.id) };
  };
  /**
   * "forty chairs" edited on both sides: Numerik's "fifty chairs" first, its webhook held back, then
   * Exo's newer "forty-two chairs". The outbound merge that decides the line for Exo is held at `point`.
   */
  const exoOutranksNumerik = async (point: FailpointName) => {
    const { post, seqno } = await synced('Quote\nforty chairs');
    fixture().sandbox.faults.set({ pauseWebhooks: true });
    numerikEdits(post.id, (t) => t.replace('forty chairs', 'fifty chairs'));
    const outbound = holdAt(point, (c) => c.direction === 'outbound' && c.seqno === seqno);
    await exoSavesNewer(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
    await outbound.reached;
    return { post, seqno, outbound };
  };
  const expectBothSidesHold = async (postId: string, seqno: number, lines: string[]) => {
    await settled(fixture());
    const [numerik, exo] = [store().getPost(postId).body_text, await details(seqno)];
    for (const line of lines) {
      expect(numerik.split('\n').filter((l) => l === line), `Numerik holds "${line}" once`).toHaveLength(1);
      expect(exo.split('\n').filter((l) => l === line), `Exo holds "${line}" once`).toHaveLength(1);
    }
  };
  /** Both sides hold exactly `text` (the post's text, the activity's details). */
  const expectBothSidesAre = async (postId: string, seqno: number, text: string) => {
    expect(store().getPost(postId).body_text).toBe(text);
    expect(await details(seqno)).toBe(text);
  };
  return { expectBothSidesAre, store, numerikCreates, seqnoOf, numerikEdits, details, exoEdits, exoSavesNewer, conflictsOf, applied, inboundWaits, outboundRetries, synced, exoOutranksNumerik, expectBothSidesHold };
}
