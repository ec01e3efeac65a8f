import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adoptionVerdict, CLOCK_ALLOWANCE_MS, type AdoptionCandidate, type AdoptionIntent } from '../../../sync/mapping/adoption-rule.js';
import { externalRef } from '../../../sync/mapping/external-ref.js';

/**
 * The adoption rule, as properties over generated post lists: what a create retry and the inbound
 * side may take as the post the sync's create made. `npm test` runs them with this seed.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260521);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const params = { seed: SEED, numRuns: RUNS };

const RECORDED = Date.parse('2026-05-21T09:00:00Z');
const intent: AdoptionIntent = { seqno: 4711, token: 'tok_A1b2', recordedAt: new Date(RECORDED) };
const REF = externalRef(intent.seqno, intent.token);

/** References a post may carry: the create's own, and the near misses a person or Numerik's filter may bring. */
const ref = fc.constantFrom<string | null>(REF, REF, 'exo-task:4711', externalRef(4711, 'tok_other'), externalRef(4712, intent.token), REF.toUpperCase(), `${REF} `, null);
/** Made from an hour before the token to a day after it. */
const createdAt = fc.integer({ min: RECORDED - 3_600_000, max: RECORDED + 86_400_000 }).map((ms) => new Date(ms).toISOString());
const candidate = fc.record({ id: fc.constantFrom('pst_1', 'pst_2', 'pst_3', 'pst_4', 'pst_5'), external_ref: ref, created_at: createdAt });
/** What Numerik lists; one post may appear twice (a page repeated), always with the same fields. */
const listing = fc.array(candidate, { maxLength: 6 }).map((posts) => {
  const first = new Map<string, AdoptionCandidate>();
  for (const p of posts) if (!first.has(p.id)) first.set(p.id, p);
  return posts.map((p) => first.get(p.id)!);
});

const carrying = (posts: AdoptionCandidate[]) => [...new Map(posts.filter((p) => p.external_ref === REF).map((p) => [p.id, p])).values()];
const notOlder = (p: AdoptionCandidate) => Date.parse(p.created_at) >= RECORDED - CLOCK_ALLOWANCE_MS;

describe('the adoption rule', () => {
  it('adopts exactly when one post carries the exact reference and is not older than the token', () => {
    fc.assert(
      fc.property(listing, (posts) => {
        const verdict = adoptionVerdict(intent, posts);
        const exact = carrying(posts);
        if (exact.length === 1 && notOlder(exact[0]!)) expect(verdict).toEqual({ kind: 'adopt', postId: exact[0]!.id });
        else expect(verdict.kind).not.toBe('adopt');
      }),
      params,
    );
  });

  it('refuses several, refuses an older one, and sends the create only when none carries it', () => {
    fc.assert(
      fc.property(listing, (posts) => {
        const verdict = adoptionVerdict(intent, posts);
        const exact = carrying(posts);
        if (!exact.length) expect(verdict).toEqual({ kind: 'none' });
        if (exact.length > 1) expect(verdict).toMatchObject({ kind: 'refuse', why: 'several', postIds: exact.map((p) => p.id).sort() });
        if (exact.length === 1 && !notOlder(exact[0]!)) expect(verdict).toMatchObject({ kind: 'refuse', why: 'older', postIds: [exact[0]!.id] });
        // A refusal's reason fits X_NUMERIK_LOG.REASON and names the activity.
        if (verdict.kind === 'refuse') expect(verdict.reason.length <= 400 && verdict.reason.includes('4711')).toBe(true);
      }),
      params,
    );
  });

  it('is blind to posts without the exact reference, and to the order and repeats of the list', () => {
    fc.assert(
      fc.property(listing, fc.array(fc.nat()), (posts, keys) => {
        const verdict = adoptionVerdict(intent, posts);
        expect(adoptionVerdict(intent, posts.filter((p) => p.external_ref === REF))).toEqual(verdict);
        const shuffled = posts.map((p, i) => ({ p, k: keys[i] ?? i })).sort((a, b) => a.k - b.k).map(({ p }) => p);
        expect(adoptionVerdict(intent, [...shuffled, ...shuffled])).toEqual(verdict);
      }),
      params,
    );
  });

  it('a copy of the sync\'s post makes both untakeable; without it the sync\'s post is taken', () => {
    const own = { id: 'pst_own', external_ref: REF, created_at: new Date(RECORDED + 1000).toISOString() };
    const copy = { id: 'pst_copy', external_ref: REF, created_at: new Date(RECORDED + 60_000).toISOString() };
    expect(adoptionVerdict(intent, [own])).toEqual({ kind: 'adopt', postId: 'pst_own' });
    expect(adoptionVerdict(intent, [copy, own])).toMatchObject({ kind: 'refuse', why: 'several', postIds: ['pst_copy', 'pst_own'] });
    // Numerik's clock may be a little behind this machine's: a post made just "before" the token is still the create's.
    expect(adoptionVerdict(intent, [{ ...own, created_at: new Date(RECORDED - 60_000).toISOString() }])).toEqual({ kind: 'adopt', postId: 'pst_own' });
    expect(adoptionVerdict(intent, [{ ...copy, created_at: 'not a time' }])).toMatchObject({ kind: 'refuse', why: 'older' });
  });
});
