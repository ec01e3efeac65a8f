import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { readActivities } from '../../db/exo/activities.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { readPostLinks } from '../../db/plugin/links/posts.js';
import { asSyncWriter } from '../../db/exo/write-activity.js';
import type { Service } from '../../service/service.js';
import { disarmAll, holdAt, armFailpoint } from '../../sync/failpoints.js';
import { CUT_MARKER } from '../../sync/lens/control-lines.js';
import { readActivityPairs } from '../../sync/read-set.js';
import { concurrentEdits } from '../support/concurrent-edits.js';
import { logEntries, settled, withRunningSite, type SyncFixture } from '../support/sync.js';
import { waitFor } from '../support/processes.js';
import { forEachTarget } from '../support/targets.js';

/**
 * No interleaving loses an edit (shared/DESIGN.md, "Concurrency"): a worker is held at a named
 * point (sync/failpoints.ts) while another actor acts — an Exo user's save, an Exo transaction
 * held open, a Numerik edit, the other direction — and then everyone's edit must be on both sides.
 */
forEachTarget('concurrent edits', (engine, target) => {
  let f: SyncFixture;
  let service: Service;
  const { store, numerikEdits, details, exoEdits, exoSavesNewer, conflictsOf, applied, inboundWaits, synced, exoOutranksNumerik, expectBothSidesHold, expectBothSidesAre } = concurrentEdits(() => f);

  withRunningSite(engine, { defaultStaff: 'ANN', defaultActivityType: 'Meeting' }, (site) => ({ f, service } = site));
  afterEach(() => disarmAll());

  it('an Exo save while Numerik’s edit is being applied is kept, and both edits reach both sides', async () => {
    // Edits of lines apart: diff3 merges them (two insertions at one place would be a conflict).
    const { post, seqno } = await synced('Call Jo\nabout chairs\nthanks');
    const inbound = holdAt('converge.after-read', (c) => c.direction === 'inbound' && c.postId === post.id);
    // The outbound side is held too, so only the inbound commit decides what happens to the save.
    const outbound = holdAt('outbound.after-read', (c) => c.seqno === seqno);
    numerikEdits(post.id, (t) => t.replace('about chairs', 'numerik: forty of them'));
    await inbound.reached;
    await exoEdits(seqno, (t) => `${t}\nexo: call on Friday`);
    await outbound.reached;
    inbound.release();
    await applied(post.id);
    outbound.release();
    await expectBothSidesHold(post.id, seqno, ['Call Jo', 'numerik: forty of them', 'thanks', 'exo: call on Friday']);
    expect((await conflictsOf(seqno))).toHaveLength(0);
  });

  it('a Numerik edit while Exo’s edit is being sent waits for the send, and the conflict of one line is recorded once', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs');
    const outbound = holdAt('outbound.after-read', (c) => c.seqno === seqno);
    await exoEdits(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
    await outbound.reached;
    numerikEdits(post.id, (t) => t.replace('forty chairs', 'fifty chairs'));
    // The send may be in Numerik already and not yet recorded: the conflict waits for it, busy.
    await inboundWaits(post.id);
    outbound.release();
    await settled(f);
    const numerik = store().getPost(post.id).body_text;
    expect(await details(seqno)).toBe(numerik);
    expect(['Quote\nforty-two chairs', 'Quote\nfifty chairs']).toContain(numerik);
    const conflicts = (await conflictsOf(seqno));
    expect(conflicts).toHaveLength(1);
    // The losing line is kept on the card, which stays open: the other direction carrying the very
    // edit that caused it is no later change.
    expect(conflicts[0]!.DETAIL).toContain(numerik.includes('fifty') ? 'forty-two chairs' : 'fifty chairs');
    expect(conflicts[0]!.RESOLVED_AT).toBeNull();
    // A change made after the card was recorded supersedes it.
    await exoEdits(seqno, (t) => t.replace(/\w+(-two)? chairs/, 'sixty chairs'));
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe('Quote\nsixty chairs');
    await waitFor(async () => (await logEntries(f.db, 'conflict')).find((e) => e.ACTIVITY_SEQNO === seqno)!.RESOLVED_AT !== null, 20_000, 'the card to be closed as superseded');
  });

  it('a conflict whose PATCH landed while the other direction synced the record first keeps its losing line on a card', async () => {
    // The outbound merge decides the line for Exo, PATCHes Numerik's line away, and is held before it commits.
    const { post, seqno, outbound } = await exoOutranksNumerik('converge.after-numerik');
    // The webhook arrives: the inbound side finds both sides already agree, and records it first.
    f.sandbox.faults.set({ pauseWebhooks: false });
    await applied(post.id);
    outbound.release();
    await settled(f);
    await expectBothSidesAre(post.id, seqno, 'Quote\nforty-two chairs');
    // Numerik's line is gone from Numerik: the card is where it is kept.
    const conflicts = (await conflictsOf(seqno));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.DETAIL).toContain('fifty chairs');
  });

  // Seen in CI (send-interrupted, "the post moved on without its mark"): a merge read the activity,
  // the Exo user took their line back, and the merge still PATCHed the older line over Numerik's.
  it('an Exo save after a merge read the activity, before its PATCH: the merge starts over from the save, and Numerik never gets the older line', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs\nten tables\nsix lamps');
    f.sandbox.faults.set({ pauseWebhooks: true });
    numerikEdits(post.id, (t) => t.replace('forty chairs', 'fifty chairs'));
    const outbound = holdAt('converge.after-read', (c) => c.direction === 'outbound' && c.seqno === seqno);
    // The newer: it would win the line over Numerik's.
    await exoSavesNewer(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
    await outbound.reached;
    await exoSavesNewer(seqno, (t) => t.replace('forty-two chairs', 'forty chairs').replace('six lamps', 'eight lamps'));
    outbound.release();
    f.sandbox.faults.set({ pauseWebhooks: false });
    await settled(f);
    await expectBothSidesAre(post.id, seqno, 'Quote\nfifty chairs\nten tables\neight lamps');
    expect(await conflictsOf(seqno)).toEqual([]);
  });

  /** Both sides change one line while the webhooks wait; `exoNewer`: Exo's save is the newer, and wins. */
  const bothChange = async (postId: string, seqno: number, line: string, to: { numerik: string; exo: string }, exoNewer: boolean) => {
    f.sandbox.faults.set({ pauseWebhooks: true });
    numerikEdits(postId, (t) => t.replace(line, to.numerik));
    await (exoNewer ? exoSavesNewer : exoEdits)(seqno, (t) => t.replace(line, to.exo));
    await waitFor(async () => (await conflictsOf(seqno)).some((c) => c.DETAIL!.includes(to.exo)), 20_000, 'the card');
    f.sandbox.faults.set({ pauseWebhooks: false });
    await settled(f);
    await expectBothSidesAre(postId, seqno, `Quote\n${exoNewer ? to.exo : to.numerik}`);
  };
  // Found by what they keep: PostgreSQL's ids are not in the order the cards were logged.
  const cardKeeping = async (seqno: number, line: string) => (await conflictsOf(seqno)).find((c) => c.DETAIL!.includes(line))!;

  // Torture seed 83072 (PostgreSQL): a card of a conflict Numerik won stayed open after a later
  // conflict on the same line went Exo's way: the final text held the very line it said was lost.
  it('a later conflict on the same line closes the older card as superseded; its own card stays open', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs');
    await bothChange(post.id, seqno, 'forty chairs', { numerik: 'fifty chairs', exo: 'forty-two chairs' }, false);
    await bothChange(post.id, seqno, 'fifty chairs', { numerik: 'sixty chairs', exo: 'seventy chairs' }, true);
    expect(await conflictsOf(seqno)).toHaveLength(2);
    expect((await cardKeeping(seqno, 'forty-two chairs')).RESOLVED_AT).not.toBeNull();
    expect((await cardKeeping(seqno, 'sixty chairs')).RESOLVED_AT).toBeNull();
  });

  it('a later conflict decided the same way goes onto the open card, which stays open with both losing lines', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs');
    await bothChange(post.id, seqno, 'forty chairs', { numerik: 'fifty chairs', exo: 'forty-two chairs' }, false);
    await bothChange(post.id, seqno, 'fifty chairs', { numerik: 'sixty chairs', exo: 'forty-five chairs' }, false);
    const cards = await conflictsOf(seqno);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.DETAIL).toContain('forty-two chairs');
    expect(cards[0]!.DETAIL).toContain('forty-five chairs');
    expect(cards[0]!.RESOLVED_AT).toBeNull();
  });

  // Torture seeds 97018, 98016, 98036 (PostgreSQL): a conflict Numerik won, its commit overtaken by an
  // Exo save; the card kept Exo's line, which stayed in Exo, and the next decision went Exo's way.
  it('a conflict Numerik won whose commit an Exo save overtook is decided again with that save: one card, of the decision that landed', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs\nten tables');
    f.sandbox.faults.set({ pauseWebhooks: true });
    numerikEdits(post.id, (t) => t.replace('forty chairs', 'fifty chairs'));
    const outbound = holdAt('converge.after-numerik', (c) => c.direction === 'outbound' && c.seqno === seqno);
    // Exo's edit of the same line, the older (Numerik's line wins), and a line of its own that is sent.
    await exoEdits(seqno, (t) => `${t.replace('forty chairs', 'forty-two chairs')}\ndelivery friday`);
    await outbound.reached;
    // Before the commit, the Exo user edits that line again: now the newer.
    await exoSavesNewer(seqno, (t) => t.replace('forty-two chairs', 'forty-five chairs'));
    outbound.release();
    await waitFor(async () => store().getPost(post.id).body_text.includes('forty-five'), 20_000, 'Numerik to take the second save');
    f.sandbox.faults.set({ pauseWebhooks: false });
    await settled(f);
    await expectBothSidesAre(post.id, seqno, 'Quote\nforty-five chairs\nten tables\ndelivery friday');
    const conflicts = (await conflictsOf(seqno));
    expect(conflicts.map((c) => JSON.parse(c.DETAIL!) as { winner: string; numerik: { body_text: string } })).toEqual([expect.objectContaining({ winner: 'exo', numerik: { body_text: 'fifty chairs' } })]);
  });

  // CI (SQL Server, a loaded machine): the echo's webhook was applied before the send recorded
  // itself; the send started over, found nothing left to send, and its note was never written.
  it('an Exo edit whose send the other direction records first still logs what it did (the cut marker line deleted)', async () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i + 1}: ${'words and more words '.repeat(2)}`.trimEnd()).join('\n');
    const { post, seqno } = await synced(text);
    const written = holdAt('outbound.after-numerik', (c) => c.seqno === seqno);
    await exoEdits(seqno, (d) => d.replace(`\n${CUT_MARKER}`, '').replace('line 2:', 'line two:'));
    await written.reached;
    await applied(post.id);
    written.release();
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe(text.replace('line 2:', 'line two:'));
    expect((await logEntries(f.db, 'note')).some((e) => e.ACTIVITY_SEQNO === seqno && e.REASON.startsWith('the cut marker line was deleted in Exo'))).toBe(true);
  });

  // CI, SQL Server under load: the inbound side took the send's echo for no change, and the send,
  // starting over, found nothing left to send, so no one counted the edit as a later change.
  it('an Exo change whose send the other direction records first still supersedes the open card', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs');
    f.sandbox.faults.set({ pauseWebhooks: true });
    numerikEdits(post.id, (t) => t.replace('forty chairs', 'fifty chairs'));
    await exoSavesNewer(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
    await waitFor(async () => (await conflictsOf(seqno)).length === 1, 20_000, 'the conflict card');
    f.sandbox.faults.set({ pauseWebhooks: false });
    await settled(f);
    const written = holdAt('outbound.after-numerik', (c) => c.seqno === seqno);
    await exoEdits(seqno, (t) => t.replace('forty-two chairs', 'sixty chairs'));
    await written.reached;
    await applied(post.id);
    written.release();
    await settled(f);
    expect(store().getPost(post.id).body_text).toBe('Quote\nsixty chairs');
    expect((await conflictsOf(seqno))[0]!.RESOLVED_AT).not.toBeNull();
  });

  // Torture seed 94352 (PostgreSQL): a commit decided before another worker's send was recorded
  // cleared that record; the send's echo then read as a Numerik edit, and the change back was lost.
  it('a commit decided before another worker’s send was recorded starts over: a Numerik change back after the send stands', async () => {
    const { post, seqno } = await synced('Quote\nforty chairs');
    // The inbound side reads a Numerik edit Exo does not show (bold type), and is held.
    const inbound = holdAt('converge.after-read', (c) => c.direction === 'inbound' && c.postId === post.id);
    store().updatePost(post.id, { body_html: '<p>Quote<br><strong>forty chairs</strong></p>' }, undefined, f.users.raj);
    await inbound.reached;
    // Exo's edit is sent (a merge with the new version) and held before its commit.
    const outbound = holdAt('converge.after-numerik', (c) => c.direction === 'outbound' && c.seqno === seqno);
    await exoEdits(seqno, (t) => t.replace('forty chairs', 'forty-two chairs'));
    await outbound.reached;
    expect(store().getPost(post.id).body_text).toBe('Quote\nforty-two chairs');
    // A Numerik user changes it back; then the inbound side commits what it read before the send.
    numerikEdits(post.id, (t) => t.replace('forty-two chairs', 'forty chairs'));
    inbound.release();
    await waitFor(async () => (await details(seqno)) === 'Quote\nforty chairs' || (await readPostLinks(f.db, [seqno])).get(seqno)!.sending === null, 20_000, 'the inbound side to commit');
    outbound.release();
    await settled(f);
    await expectBothSidesAre(post.id, seqno, 'Quote\nforty chairs');
  });

  it('an Exo save on top of its own edit still being recorded is no conflict: the send in Numerik is not taken for a Numerik edit', async () => {
    const { post, seqno } = await synced('Agenda\nitem one');
    const written = holdAt('outbound.after-numerik', (c) => c.seqno === seqno);
    // The webhook of the send waits until Exo has saved again, so the inbound side sees both.
    f.sandbox.faults.set({ pauseWebhooks: true });
    await exoEdits(seqno, (t) => `${t}\nitem two`);
    await written.reached;
    // Numerik holds "item two", the link does not yet; Exo edits that line again.
    await exoEdits(seqno, (t) => t.replace('item two', 'item two and three'));
    f.sandbox.faults.set({ pauseWebhooks: false });
    // The inbound side finds the send recorded as in flight (and landed), or waits for it, busy.
    await waitFor(
      async () => (await f.db.table(OBJECTS.inbox).where({ POST_ID: post.id }).andWhere((q) => q.whereNull('LAST_ERROR').orWhereNot('LAST_ERROR', 'like', 'busy:%')).first('ID')) === undefined,
      20_000,
      'the inbound side to decide on the post',
    );
    written.release();
    await expectBothSidesHold(post.id, seqno, ['Agenda', 'item one', 'item two and three']);
    expect((await conflictsOf(seqno))).toHaveLength(0);
  });

  // Torture seeds 88004, 88010, 88022, 88035 (PostgreSQL): a second worker's merge took the first
  // worker's send, in Numerik but not yet recorded, for a Numerik edit; Exo's next line went onto a card.
  it('a second worker sending the next Exo save while the first worker’s send is in Numerik, not yet recorded: no conflict', async () => {
    const { post, seqno } = await synced('Agenda\nitem one');
    const written = holdAt('outbound.after-numerik', (c) => c.seqno === seqno);
    await exoEdits(seqno, (t) => `${t}\nitem two`);
    await written.reached;
    // The next save (the same line again) is claimed by a second worker: its PATCH meets Numerik's newer version, and it merges.
    await exoEdits(seqno, (t) => t.replace('item two', 'item two and three'));
    const second = f.worker();
    second.start();
    try {
      // It finds the first send recorded as in flight (and landed) and sends the save, or waits for it, busy.
      await waitFor(
        async () =>
          store().getPost(post.id).body_text.includes('item two and three') ||
          (await f.db.table(OBJECTS.queue).where({ ACTIVITY_SEQNO: seqno }).whereLike('LAST_ERROR', 'busy:%').first('ID')) !== undefined,
        20_000,
        'the second worker to decide on the activity',
      );
      written.release();
      await expectBothSidesHold(post.id, seqno, ['Agenda', 'item one', 'item two and three']);
    } finally {
      await second.stop();
    }
    expect((await conflictsOf(seqno))).toHaveLength(0);
  });

  it('two workers that read the link before either recorded its send: the second starts over from the first one’s record, no conflict', async () => {
    const { post, seqno } = await synced('Agenda\nitem one');
    // The first worker to read the activity goes on when told; the second waits there until told.
    const signal = () => {
      let fire!: () => void;
      return { fired: new Promise<void>((resolve) => (fire = resolve)), fire: () => fire() };
    };
    const [there, go] = [[signal(), signal()], [signal(), signal()]];
    let arrivals = 0;
    armFailpoint('outbound.after-read', async (c) => {
      if (c.seqno !== seqno || arrivals > 1) return;
      const me = arrivals++;
      there[me]!.fire();
      await go[me]!.fired;
    });
    await exoEdits(seqno, (t) => `${t}\nitem two`);
    await there[0]!.fired;
    await exoEdits(seqno, (t) => t.replace('item two', 'item two and three'));
    const second = f.worker();
    second.start();
    try {
      await there[1]!.fired;
      const written = holdAt('outbound.after-numerik', (c) => c.seqno === seqno);
      go[0]!.fire();
      await written.reached;
      go[1]!.fire();
      await waitFor(async () => store().getPost(post.id).body_text.includes('item two and three'), 20_000, 'the second worker to send its save');
      written.release();
      await expectBothSidesHold(post.id, seqno, ['Agenda', 'item one', 'item two and three']);
    } finally {
      await second.stop();
    }
    expect(await conflictsOf(seqno)).toHaveLength(0);
  });

  it('an Exo save after Numerik took the send, before the write-back, stays and is sent next', async () => {
    const { post, seqno } = await synced('Agenda\nitem one');
    const written = holdAt('outbound.after-numerik', (c) => c.seqno === seqno);
    await exoEdits(seqno, (t) => `${t}\nitem two`);
    await written.reached;
    await exoEdits(seqno, (t) => `${t}\nitem three`);
    written.release();
    await expectBothSidesHold(post.id, seqno, ['Agenda', 'item one', 'item two', 'item three']);
  });

  it('a converge that keeps losing the race to Exo saves waits, busy and uncounted, and then lands every edit', async () => {
    const { post, seqno } = await synced('Busy\nline 0\nline 1');
    // The outbound side is held, so the inbound converge alone meets the saves.
    const outbound = holdAt('outbound.after-read', (c) => c.seqno === seqno);
    let saves = 0;
    let saving = true;
    // Every time Numerik's edit is about to be committed, an Exo user saves again (until the
    // status has been read: a round that then succeeded would leave nothing busy to see).
    const disarm = armFailpoint('converge.after-numerik', async (c) => {
      if (c.postId !== post.id || c.direction !== 'inbound' || !saving) return;
      saves += 1;
      await exoEdits(seqno, (t) => `${t}\nexo save ${saves}`);
    });
    numerikEdits(post.id, (t) => t.replace('line 0', 'numerik edit'));
    type Row = { STATE: string; ATTEMPTS: number; LAST_ERROR: string | null };
    let seen: Row | undefined;
    await waitFor(
      async () => {
        const rows = (await f.db.table(OBJECTS.inbox).where({ POST_ID: post.id }).select('STATE', 'ATTEMPTS', 'LAST_ERROR')) as Row[];
        seen = rows.find((r) => r.LAST_ERROR?.startsWith('busy'));
        return !!seen;
      },
      20_000,
      'the converge to give up, busy',
    );
    // Said as busy, not as failing: on the status page and the record page, with the restarts.
    const status = (await request(service.url).get('/status').expect(200)).body as { inbound: { busy: number; retrying: number } };
    saving = false;
    disarm();
    outbound.release();
    // (Its own PATCHes of Exo's saves bring the post's events back too: each of them busy as well.)
    expect(status.inbound.busy, JSON.stringify(status.inbound)).toBeGreaterThanOrEqual(1);
    expect(status.inbound.retrying, JSON.stringify(status.inbound)).toBe(0);
    expect(seen!.LAST_ERROR).toMatch(/^busy: both sides are editing this record \(started over 3 times; activity \d+ was saved in Exo meanwhile\)/);
    // Handed back for the next round, and the busy round did not count as an attempt.
    expect(seen).toMatchObject({ STATE: 'ready', ATTEMPTS: 0 });
    expect(service.inbound.stats.busy).toBeGreaterThanOrEqual(1);
    await expectBothSidesHold(post.id, seqno, ['Busy', 'numerik edit', 'line 1', 'exo save 1', 'exo save 2', 'exo save 3']);
    expect((await logEntries(f.db, 'dead')).filter((e) => e.ACTIVITY_SEQNO === seqno || e.POST_ID === post.id)).toHaveLength(0);
  });

  it('a link and its activity are read as one pair, even when the sync commits both between the two reads', async () => {
    const { seqno } = await synced('Pair\nbefore');
    const between = holdAt('read.between-link-and-activity', (c) => c.direction === 'outbound');
    const reading = readActivityPairs(f.db, [seqno]);
    await between.reached;
    // The sync's own commit: the activity and its link, in one transaction.
    await asSyncWriter(f.db, async (trx) => {
      await trx(`${f.db.target.schema}.TASKS`).where({ SEQNO: seqno }).update({ DETAILS: 'Pair\nafter' });
      await trx(`${f.db.target.schema}.${OBJECTS.postLink}`).where({ ACTIVITY_SEQNO: seqno }).update({ EXO_HASH: 'after', SYNCED_AT: new Date(Date.now() + 1000) });
    });
    between.release();
    const pairs = await reading;
    expect(pairs.activities.get(seqno)!.details).toBe('Pair\nafter');
    expect(pairs.links.get(seqno)!.exoHash).toBe('after');
    expect(pairs.unsettled).toEqual([]);
    const [links, activities] = [await readPostLinks(f.db, [seqno]), await readActivities(f.db, [seqno])];
    expect(links.get(seqno)!.exoHash).toBe('after');
    expect(activities.get(seqno)!.details).toBe('Pair\nafter');
  });

  describe.skipIf(target.name === 'pglite')('with an Exo transaction held open (a database server: PGlite has one session)', () => {
    it('the sync’s commit waits for it, briefly, then decides again: the Exo save is kept', async () => {
      const { post, seqno } = await synced('Open\nline 1\nline 2');
      const exo = await f.db.knex.transaction();
      try {
        await exo(`${f.db.target.schema}.TASKS`).where({ SEQNO: seqno }).update({ DETAILS: 'Open\nline 1\nline 2\nexo: in an open transaction' });
        const committing = holdAt('converge.before-commit', (c) => c.postId === post.id);
        numerikEdits(post.id, (t) => t.replace('line 1', 'numerik: meanwhile'));
        await committing.reached;
        committing.release();
        await new Promise((r) => setTimeout(r, 300));
        await exo.commit();
      } catch (error) {
        await exo.rollback();
        throw error;
      }
      await expectBothSidesHold(post.id, seqno, ['Open', 'numerik: meanwhile', 'line 2', 'exo: in an open transaction']);
    });
  });
});
