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
  it('a bounded seeded run: every edit survives on both sides or is one conflict card’s losing side, both sides equal, one post per activity', async () => {
    const result = await tortureRun(engine, { seed: 1, editMs: 4_000, records: 4, quiesceMs: 40_000, target: target.env ? target : undefined });
    expect(result.history.length).toBeGreaterThan(20);
    expect(result.violations.map((v) => `${v.kind}: ${v.message}`)).toEqual([]);
  }, 120_000);

  it('the checker fails a run in which an actor overwrites DETAILS behind the sync’s back (a lost update injected on purpose)', async () => {
    const result = await tortureRun(engine, { seed: 2, editMs: 1_500, records: 3, quiesceMs: 40_000, sabotage: true });
    expect(result.sabotaged).toMatch(/^e\d+$/);
    const named = result.violations.filter((v) => v.token === result.sabotaged).map((v) => v.kind);
    expect(named.some((k) => k === 'lost-update' || k === 'half-synced')).toBe(true);
  }, 120_000);
});
