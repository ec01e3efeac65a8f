import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adoptionVerdict } from '../../../sync/mapping/adoption-rule.js';
import { claimOf, externalRef, refOf, sendMark, sendMarkable } from '../../../sync/mapping/external-ref.js';

/**
 * A send's mark on the post's external_ref: what tells a PATCH that landed from one that never did
 * once its worker is gone (sync/pending-send.ts). It may replace only a reference that is the sync's.
 */
describe("a send's mark (external_ref)", () => {
  const params = { seed: Number(process.env.FUZZ_SEED ?? 20261206), numRuns: Number(process.env.FUZZ_RUNS ?? 300) };

  it('names the activity, and no two sends carry the same mark', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_147_483_647 }), (seqno) => {
        const [a, b] = [sendMark(seqno), sendMark(seqno)];
        expect(claimOf(a)?.seqno).toBe(seqno);
        expect(a).not.toBe(b);
      }),
      params,
    );
  });

  it("replaces no reference but the sync's own for this activity, or none", () => {
    expect(sendMarkable(7, '')).toBe(true);
    expect(sendMarkable(7, externalRef(7, 'create-token'))).toBe(true);
    expect(sendMarkable(7, sendMark(7))).toBe(true);
    expect(sendMarkable(7, 'exo-task:7')).toBe(true);
    // Another activity's, another integration's, or not known (a link made before POST_REF was kept).
    expect(sendMarkable(7, externalRef(8, 'create-token'))).toBe(false);
    expect(sendMarkable(7, 'crm:4411')).toBe(false);
    expect(sendMarkable(7, null)).toBe(false);
  });

  it('is recorded as the post showed it: none is "", never "not known"', () => {
    expect(refOf({ external_ref: null })).toBe('');
    expect(refOf({ external_ref: 'crm:4411' })).toBe('crm:4411');
    // Another integration's long reference fits the column, and is still not the sync's.
    const long = `${externalRef(7, 'x')}${'y'.repeat(500)}`;
    expect(refOf({ external_ref: long })).toHaveLength(400);
    expect(sendMarkable(7, refOf({ external_ref: long }))).toBe(false);
  });

  it("is never taken as a create's token: a post carrying it is adopted by no create", () => {
    const intent = { seqno: 7, token: 'create-token', recordedAt: new Date('2026-12-06T00:00:00Z') };
    const marked = { id: 'pst_1', external_ref: sendMark(7), created_at: '2026-12-06T00:01:00Z' };
    expect(adoptionVerdict(intent, [marked])).toEqual({ kind: 'none' });
  });
});
