import { expect, it } from 'vitest';
import { forEachTarget } from '../support/targets.js';
import { tortureRun } from '../support/torture/run.js';

/**
 * The torture run of issue 21 (DESIGN.md "Concurrency"), bounded so it fits in `npm test`: random
 * Exo writers (SQL, some in transactions held open, some saving CRLF), Numerik editors (text,
 * fields, comments), duplicated and reordered webhooks, two workers per direction, random sleeps
 * at the failpoints, and on a database server `worker` processes killed with -9; then the drain
 * and the history checker. `npm run torture -- --seconds N --seed S` runs many more histories.
 */
forEachTarget('torture: concurrent editors on both sides, checked as a history', (engine, target) => {
  // Issue 21 runs the bounded history on PGlite and PostgreSQL; on SQL Server the commit's re-check
  // is proven by the failpoint tests (test/sync/concurrency.test.ts), which run there too.
  if (target.name === 'mssql') {
    it.skip('the bounded torture run is on PGlite and PostgreSQL (issue 21); SQL Server: see test/sync/concurrency.test.ts', () => undefined);
    return;
  }
  it('a bounded seeded run: no edit lost, no line duplicated, no CR added, both sides equal at rest, one post per activity', async () => {
    const result = await tortureRun(engine, { seed: 1, editMs: 4_000, records: 4, quiesceMs: 40_000, target: target.env ? target : undefined });
    // A history worth checking, even on a loaded machine.
    expect(result.history.length).toBeGreaterThan(10);
    // Every kind counts: the cards' last fault (seed 83072) and the field's (the set-backs below)
    // were found by no long run since (issue 21's closing note gives the runs).
    expect(result.violations.map((v) => `${v.kind}: ${v.message}`)).toEqual([]);
  }, 120_000);

  // Counterexamples the torture run found, kept by name. A seed replays the actors, not the
  // interleaving: each is pinned by the failpoint test that holds the interleaving it needed.
  //  - seed 31339 (pglite), three Numerik lines lost, no card: test/sync/concurrency.test.ts, "a
  //    conflict whose PATCH landed while the other direction synced the record first…"; and after
  //    a kill -9, test/sync/lost-create-edits.test.ts.
  //  - contention seed 501, Exo lines only on a phantom card: test/sync/concurrency.test.ts, "an
  //    Exo save on top of its own edit still being recorded is no conflict…".
  //  - seeds 88004, 88010, 88022, 88035, Exo's next line on a card: a second worker's merge took the
  //    first worker's send, in Numerik but not yet recorded, for a Numerik edit:
  //    test/sync/concurrency.test.ts, "a second worker sending the next Exo save…".
  //  - seeds 61010, 77001, 88023, a field's "lost" last write: that side went A→B→A before the other
  //    side's write reached it; the checker's counterexample test pins it.
  //  - seeds 31337, 53003, 61008, the create's line "twice": the post opening with its subject
  //    (rule 2) after a line was inserted above the create's first line; the checker's own
  //    counterexample test (test/sync/torture-checker.test.ts) pins it.
  //  - seed 98008, a card keeping an Exo line Numerik held (the echo of a killed worker's send with a
  //    Numerik edit beside it): test/sync/send-interrupted.test.ts, "an Exo line sent by a worker that died
  //    before recording it, and a Numerik edit beside it…", and the merge laws (test/sync/lens).
  //  - seeds 98032, 98113 (and likely 97014, a field), Numerik lines lost with no card: a worker killed
  //    between the PATCH of a conflict Exo won and the commit that logged it:
  //    test/sync/send-interrupted.test.ts, "a conflict Exo won whose worker dies after the PATCH…".
  //  - seed 98020, a field "lost" that the card kept, the same race merged onto it (each value after
  //    the last): the checker's counterexample test.
  //  - seeds 97018, 98016, 98036, a stale card or one conflict on two cards: a conflict Numerik won
  //    whose commit an Exo save overtook: test/sync/concurrency.test.ts, "…is decided again with that save…".
  //  - seeds 98023, 98093, 98112, the create's line twice after an insert above it before the first
  //    send: test/sync/first-send-subject.test.ts and the subject law.
  //  - seeds 98072, 99044, 99046, 95201, a field's last write lost: a worker killed after its send
  //    landed, the change then taken back in Exo or in Numerik: test/sync/send-interrupted.test.ts, "an
  //    Exo edit sent by a worker that died before recording it…" (four cases).
  //  - seed 94352, a field's last write lost: a commit decided before another worker's send was
  //    recorded cleared that record: test/sync/concurrency.test.ts, "a commit decided before another
  //    worker's send was recorded starts over…".
  //  - seed 92108, one race on two cards: a worker process's cached sequence gave an older card a
  //    higher id: test/sync/conflict-cards.test.ts, "…the newest open card by when it was logged…".
  //  - seed 92124, a stale card Exo won: most likely a worker killed between its card and its PATCH;
  //    test/sync/send-interrupted.test.ts, "a card written ahead by a worker that died before its
  //    PATCH…": another send on the same version landed, or the post moved on without its mark.
  //  - seeds 91025, 91065, a field's last write lost: a worker killed while its PATCH was in flight,
  //    Numerik users' edits since; the send read as never landed: test/sync/send-interrupted.test.ts,
  //    "an Exo edit whose worker died while its PATCH was in flight…" (the send's mark).
  //  - seeds 89139, 89142, a field's last write lost: the same dead send, then the change taken back
  //    in Exo with a save that changed only the view (CRLF); the retry, finding nothing to send,
  //    recorded over the send's record: test/sync/send-interrupted.test.ts, "…taken back in Exo with
  //    a save Numerik need not hear of…".
  //  - seed 87700, a CR Exo added kept in Numerik: the link recorded the activity as its create sent
  //    it (CRLF), the post opening with the subject line; an edited line took Exo's CR:
  //    test/sync/first-send-subject.test.ts, "the first line typed over before the first send…",
  //    and the line-endings law of such a base (test/sync/lens/line-endings.test.ts).
  //  - seeds 85012, 84083, the create's line "twice": rule 2's subject line moved down by a Numerik
  //    line inserted above it, or edited by a Numerik user; the checker's counterexample tests pin it.
  //  - seed 83072, a card Numerik won left open with its Exo lines back in the text: a later conflict
  //    on those lines went Exo's way: test/sync/concurrency.test.ts, "a later conflict on the same
  //    line closes the older card…", and the checker's counterexample test.
  //  - seeds 84119, 81113, 80052, 80095, 79027, 78118, a field's last write "lost": one side set it
  //    and back while the workers were down, the other changed it; compared as states, the set-back
  //    is no change: test/sync/set-back.test.ts, and the checker's counterexample tests (which
  //    excuse it only where the sync's recorded agreements show it never agreed on the value
  //    between). Seed 76176, the same with a send of the value between refused (412) and put back:
  //    test/sync/torture-agreements.test.ts.

  it('the checker fails a run in which an actor overwrites DETAILS behind the sync’s back (a lost update injected on purpose)', async () => {
    const result = await tortureRun(engine, { seed: 2, editMs: 1_500, records: 3, quiesceMs: 40_000, sabotage: true });
    expect(result.sabotaged).toMatch(/^e\d+$/);
    const named = result.violations.filter((v) => v.token === result.sabotaged).map((v) => v.kind);
    expect(named.some((k) => k === 'lost-update' || k === 'half-synced')).toBe(true);
  }, 120_000);
});
