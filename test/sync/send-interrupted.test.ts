import { afterEach, expect, it } from 'vitest';
import { disarmAll, armFailpoint } from '../../sync/failpoints.js';
import { concurrentEdits } from '../support/concurrent-edits.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { claimOf } from '../../sync/mapping/external-ref.js';
import type { PostInput } from '../../sync/numerik/types.js';
import { settled, withRunningSite, type SyncFixture } from '../support/sync.js';
import { waitFor } from '../support/processes.js';
import { forEachTarget } from '../support/targets.js';

/**
 * A send that does not finish loses nothing (shared/DESIGN.md, "Concurrency"): its worker dies
 * before Numerik answers, after it, or before its commit; or Numerik answers without making the
 * change. What it wrote ahead of its PATCH (the card of a conflict Exo won, the send's record on
 * the link) is taken back when the change was not made, and read by the next decision when it was.
 */
forEachTarget('sends interrupted', (engine) => {
  let f: SyncFixture;
  const { store, numerikCreates, seqnoOf, numerikEdits, details, exoEdits, exoSavesNewer, conflictsOf, outboundRetries, synced, exoOutranksNumerik, expectBothSidesHold, expectBothSidesAre } = concurrentEdits(() => f);

  withRunningSite(engine, { defaultStaff: 'ANN', defaultActivityType: 'Meeting' }, (site) => ({ f } = site));
  afterEach(() => disarmAll());

  // Torture seed 98032 (PostgreSQL): Numerik's lines, PATCHed away for Exo's newer ones, were
  // logged only by the commit; the worker was killed in between, and they were in no card.
  it('a conflict Exo won whose worker dies after the PATCH, before its commit, still keeps Numerik’s line on a card', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs');
    f.sandbox.faults.set({ pauseWebhooks: true });
    numerikEdits(post.id, (t) => t.replace('forty chairs', 'fifty chairs'));
    armFailpoint(
      'converge.after-numerik',
      (c) => {
        if (c.direction === 'outbound' && c.seqno === seqno) throw new Error('killed after Numerik took the send');
      },
      { once: true },
    );
    await exoSavesNewer(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
    await waitFor(async () => store().getPost(post.id).body_text.includes('forty-two'), 20_000, 'Numerik to take the send');
    f.sandbox.faults.set({ pauseWebhooks: false });
    await settled(f);
    await expectBothSidesAre(post.id, seqno, 'Quote\nforty-two chairs');
    const conflicts = (await conflictsOf(seqno));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.DETAIL).toContain('fifty chairs');
  });

  // Torture seeds 98072, 99044, 99046 (PostgreSQL): an Exo user's change sent by a worker that died
  // before recording it, then taken back in Exo; the send in Numerik was taken for a Numerik edit,
  // and the value the user had taken back came back over their last save.
  // Seed 95201: the same, taken back in Numerik instead; the send was read as never landed.
  for (const path of ['a plain send', 'a merge'] as const) {
    for (const by of ['Exo', 'Numerik'] as const) {
      it(`an Exo edit sent by a worker that died before recording it (${path}), then taken back in ${by}: the last edit stands on both sides`, async () => {
        const { post, seqno } = await synced('Quote\nforty chairs\nten tables\nsix lamps');
        // The merge path: a Numerik edit elsewhere first, so the send meets a newer version and merges.
        if (path === 'a merge') {
          f.sandbox.faults.set({ pauseWebhooks: true });
          numerikEdits(post.id, (t) => t.replace('six lamps', 'eight lamps'));
        }
        armFailpoint(
          path === 'a merge' ? 'converge.after-numerik' : 'outbound.after-numerik',
          (c) => {
            if (c.seqno === seqno && c.direction === 'outbound') throw new Error('killed after Numerik took the send');
          },
          { once: true },
        );
        await exoEdits(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
        await waitFor(async () => store().getPost(post.id).body_text.includes('forty-two'), 20_000, 'Numerik to take the send');
        if (by === 'Exo') await exoEdits(seqno, (t) => t.replace('forty-two chairs', 'forty chairs'));
        else numerikEdits(post.id, (t) => t.replace('forty-two chairs', 'forty chairs'));
        f.sandbox.faults.set({ pauseWebhooks: false });
        await settled(f);
        const text = `Quote\nforty chairs\nten tables\n${path === 'a merge' ? 'eight' : 'six'} lamps`;
        expect(store().getPost(post.id).body_text).toBe(text);
        expect(await details(seqno)).toBe(text);
      });
    }
  }

  // Torture seeds 91025, 91065 (PostgreSQL): a worker killed while its PATCH was in flight; Numerik
  // took it, Numerik users edited the post since, and the send read as never landed: its echo came
  // back over the Exo user's later save.
  for (const path of ['a plain send', 'a merge'] as const) {
    it(`an Exo edit whose worker died while its PATCH was in flight (${path}), then a Numerik edit elsewhere and the Exo user taking it back: the take-back stands`, async () => {
      const { post, seqno } = await synced('Quote\nforty chairs\nten tables\nsix lamps\ntwo desks');
      f.sandbox.faults.set({ pauseWebhooks: true });
      if (path === 'a merge') numerikEdits(post.id, (t) => t.replace('six lamps', 'eight lamps'));
      armFailpoint(
        'send.patch-answered',
        async () => {
          numerikEdits(post.id, (t) => t.replace('two desks', 'three desks'));
          await exoEdits(seqno, (t) => t.replace('forty-two chairs', 'forty chairs'));
          throw new Error('killed while the PATCH was in flight');
        },
        { once: true, when: (c) => c.seqno === seqno },
      );
      await exoEdits(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
      await waitFor(async () => store().getPost(post.id).body_text.includes('three desks'), 20_000, 'Numerik to take the send');
      f.sandbox.faults.set({ pauseWebhooks: false });
      await settled(f);
      await expectBothSidesAre(post.id, seqno, `Quote\nforty chairs\nten tables\n${path === 'a merge' ? 'eight' : 'six'} lamps\nthree desks`);
      expect(await conflictsOf(seqno)).toEqual([]);
    });
  }

  // Torture seeds 89139, 89142 (PostgreSQL): the dead send's record was cleared by the retry, which
  // found nothing to send (the Exo user had taken the change back, saving only what the post does
  // not hold), so that change in Numerik was then taken for a Numerik user's edit.
  it('an Exo edit whose worker died while its PATCH was in flight, then taken back in Exo with a save Numerik need not hear of: the take-back stands', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs\nten tables\nsix lamps\ntwo desks');
    f.sandbox.faults.set({ pauseWebhooks: true });
    armFailpoint(
      'send.patch-answered',
      async () => {
        // Saved with CRLF: the view changes, the post's text does not.
        await exoEdits(seqno, (t) => t.replace('forty-two chairs', 'forty chairs').replace(/\r?\n/g, '\r\n'));
        throw new Error('killed while the PATCH was in flight');
      },
      { once: true, when: (c) => c.seqno === seqno },
    );
    await exoEdits(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
    await waitFor(async () => (await details(seqno)).includes('\r\n'), 20_000, 'the Exo user to take the change back');
    // The retry is done before Numerik's webhooks are: it alone meets the dead send.
    await waitFor(async () => (await f.db.table(OBJECTS.queue).where({ ACTIVITY_SEQNO: seqno }).first('ID')) === undefined, 20_000, 'the retry to finish');
    f.sandbox.faults.set({ pauseWebhooks: false });
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe('Quote\nforty chairs\nten tables\nsix lamps\ntwo desks');
    expect((await details(seqno)).replace(/\r/g, '')).toBe('Quote\nforty chairs\nten tables\nsix lamps\ntwo desks');
  });

  it("a send marks the post only where its external_ref is the sync's: another integration's reference is kept, and the send's landing read as before", async () => {
    const theirs = store().createPost({ type: 'task', customer_id: f.customers.acme, body_text: 'Quote\nforty chairs', external_ref: 'crm:4411' } as PostInput, f.users.ann).post;
    const plain = numerikCreates('Agenda\nitem one');
    await settled(f);
    for (const post of [theirs, plain]) await exoEdits(await seqnoOf(post.id), (t) => `${t} (edited in Exo)`);
    await settled(f);
    expect(store().getPost(theirs.id)).toMatchObject({ external_ref: 'crm:4411', body_text: 'Quote\nforty chairs (edited in Exo)' });
    expect(claimOf(store().getPost(plain.id).external_ref)?.seqno).toBe(await seqnoOf(plain.id));
    expect((await readPostLinks(f.db, [await seqnoOf(theirs.id)])).get(await seqnoOf(theirs.id))!.postRef).toBe('crm:4411');
  });

  it('a card written ahead of a PATCH that Numerik answers with an outage (503) is taken back: the Exo user taking the edit back meanwhile leaves no card', async () => {
    const { post, seqno, outbound } = await exoOutranksNumerik('converge.after-read');
    // Exo's line wins, its card is written, and Numerik is down for the PATCH: the send waits.
    f.sandbox.faults.set({ serverErrorsForMs: 60_000 });
    outbound.release();
    await outboundRetries(seqno);
    await exoSavesNewer(seqno, (t) => t.replace('forty-two chairs', 'forty chairs'));
    f.sandbox.faults.clear();
    await settled(f);
    await expectBothSidesAre(post.id, seqno, 'Quote\nfifty chairs');
    expect(await conflictsOf(seqno)).toEqual([]);
  });

  it('a send Numerik answers with an outage (503) is no send in flight: the link records none, and the edit lands once Numerik is back', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs');
    f.sandbox.faults.set({ serverErrorsForMs: 60_000 });
    await exoEdits(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
    await outboundRetries(seqno);
    expect((await readPostLinks(f.db, [seqno])).get(seqno)!.sending).toBeNull();
    f.sandbox.faults.clear();
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe('Quote\nforty-two chairs');
  });

  // Torture seed 92124 (PostgreSQL): a worker killed after writing a conflict's card ahead, before
  // its PATCH; the next decision went the other way, and the card kept lines never overwritten.
  // What happens meanwhile makes the dead PATCH one that can no longer land.
  const meanwhile = {
    // The Exo user takes the line back and edits another: the next send merges that with Numerik's line.
    'another send made on the same version lands': (_postId: string, seqno: number) =>
      exoSavesNewer(seqno, (t) => t.replace('forty-two chairs', 'forty chairs').replace('six lamps', 'eight lamps')),
    // A Numerik user edits another line, and the Exo user takes theirs back.
    'the post moved on without its mark': async (postId: string, seqno: number) => {
      numerikEdits(postId, (t) => t.replace('six lamps', 'eight lamps'));
      await exoSavesNewer(seqno, (t) => t.replace('forty-two chairs', 'forty chairs'));
    },
  };
  for (const [when, act] of Object.entries(meanwhile)) {
    it(`a card written ahead by a worker that died before its PATCH is dropped once ${when}`, async () => {
      const { post, seqno } = await synced('Quote\nforty chairs\nten tables\nsix lamps');
      f.sandbox.faults.set({ pauseWebhooks: true });
      numerikEdits(post.id, (t) => t.replace('forty chairs', 'fifty chairs'));
      let written = 0;
      armFailpoint(
        'converge.before-numerik',
        async () => {
          written = (await conflictsOf(seqno)).length;
          await act(post.id, seqno);
          throw new Error('killed before the PATCH');
        },
        { once: true, when: (c) => c.seqno === seqno },
      );
      await exoSavesNewer(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
      f.sandbox.faults.set({ pauseWebhooks: false });
      await settled(f);
      await expectBothSidesAre(post.id, seqno, 'Quote\nfifty chairs\nten tables\neight lamps');
      expect(written).toBe(1);
      expect(await conflictsOf(seqno)).toEqual([]);
    });
  }

  it('a card written ahead of a PATCH that Numerik refuses (a newer edit meanwhile) is taken back: the card is the decision that landed', async () => {
    const { post, seqno, outbound } = await exoOutranksNumerik('converge.after-read');
    numerikEdits(post.id, (t) => t.replace('fifty chairs', 'sixty chairs'));
    outbound.release();
    await waitFor(async () => store().getPost(post.id).body_text.includes('forty-two'), 20_000, 'Numerik to take the send');
    f.sandbox.faults.set({ pauseWebhooks: false });
    await settled(f);
    const conflicts = (await conflictsOf(seqno));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.DETAIL).toContain('sixty chairs');
    expect(conflicts[0]!.DETAIL).not.toContain('fifty chairs');
  });

  // Torture seed 98008 (PostgreSQL): a worker killed after Numerik took its send; a Numerik user
  // then edited the line beside the sent one. The merge took the echo for an Exo edit in conflict.
  it('an Exo line sent by a worker that died before recording it, and a Numerik edit beside it: both kept, no conflict', async () => {
    const { post, seqno } = await synced('Agenda\nitem one\nitem two');
    // The Numerik user edits before either direction records the send; then the worker dies.
    armFailpoint(
      'outbound.after-numerik',
      (c) => {
        if (c.seqno !== seqno) return;
        numerikEdits(post.id, (t) => t.replace('item one', 'item one, edited in Numerik'));
        throw new Error('killed after Numerik took the send');
      },
      { once: true },
    );
    await exoEdits(seqno, (t) => t.replace('item one', 'item zero\nitem one'));
    await expectBothSidesHold(post.id, seqno, ['Agenda', 'item zero', 'item one, edited in Numerik', 'item two']);
    expect((await conflictsOf(seqno))).toHaveLength(0);
  });
});
