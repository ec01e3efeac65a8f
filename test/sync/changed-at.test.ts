import { describe, expect, it } from 'vitest';
import { changedAt } from '../../sync/outbound/worker.js';

const row = (at: Date | null) => ({ id: 1, attempts: 1, row: { QUEUED_AT: at } });

/**
 * A batch's change time decides which conflict cards a later change supersedes (cards logged
 * before it). Cards are logged by the sync's clock, changes captured by the database's.
 */
describe('when the change work rows stand for was made', () => {
  const claimedAt = new Date('2026-12-07T10:00:00.000Z');

  it('is the newest row’s time', () => {
    expect(changedAt([row(new Date('2026-12-07T09:59:58.000Z')), row(new Date('2026-12-07T09:59:59.000Z'))], 'QUEUED_AT', claimedAt)).toEqual(new Date('2026-12-07T09:59:59.000Z'));
  });

  it('is never after the claim: a database clock ahead of ours cannot make a card this batch writes read as older than the change', () => {
    expect(changedAt([row(new Date('2026-12-07T10:00:03.000Z'))], 'QUEUED_AT', claimedAt)).toEqual(claimedAt);
  });

  it('is unknown when no row has the time', () => {
    expect(changedAt([row(null)], 'QUEUED_AT', claimedAt)).toBeUndefined();
  });
});
