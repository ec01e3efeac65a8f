import { describe, expect, it } from 'vitest';
import type { PostLink } from '../../db/plugin/links/posts.js';
import type { Post } from '../../sync/numerik/types.js';
import { landedAt, patchedBase, pendingSend, staleCardAhead, withLandedSend } from '../../sync/pending-send.js';

const base = { type: 'task', body_text: 'Quote\nforty chairs', assignee_id: 'usr_ann', due_at: null, completed: false, completed_at: null, customer_id: 'cus_1', tags: [] };
const link: PostLink = {
  activitySeqno: 7,
  postId: 'pst_7',
  postType: 'task',
  origin: 'exo',
  state: 'active',
  exoHash: 'exo-old',
  exoContent: JSON.stringify(base),
  exoAssignedTo: 1,
  numerikVersion: 4,
  numerikHash: 'numerik-old',
  numerikContent: JSON.stringify(base),
  postUrl: null,
  postRef: '',
  sending: null,
  createdAt: new Date(0),
  syncedAt: new Date(0),
};
const post = (version: number, over: Partial<typeof base> = {}) => ({ id: 'pst_7', version, ...base, ...over, body_html: '', comments: [], updated_at: '2026-12-06T00:00:00Z' }) as unknown as Post;

describe('a send recorded before its PATCH (X_NUMERIK_POST_LINK.SENDING)', () => {
  const patch = { assignee_id: 'usr_raj', body_html: '<p>ignored</p>' };
  const agreed = { exoHash: 'exo-sent', exoContent: '{"sent":true}', exoAssignedTo: 2, ...patchedBase(link, patch) };
  const sending = { ...link, sending: pendingSend(4, patch, agreed) };

  it('landed (a later version holds every value it sent): the link reads as the agreement it would have recorded, its version kept', () => {
    expect(withLandedSend(sending, post(5, { assignee_id: 'usr_raj' }))).toEqual({ ...sending, ...agreed });
    expect(JSON.parse(agreed.numerikContent!)).toEqual({ ...base, assignee_id: 'usr_raj' });
  });

  it('known to have answered: landed, even once a Numerik user changed what it sent', () => {
    const answered = { ...sending, sending: landedAt(sending.sending, 5) };
    expect(withLandedSend(answered, post(6))).toEqual({ ...answered, ...agreed });
    expect(withLandedSend(answered, post(4))).toBe(answered);
  });

  it('not landed (no later version, or a value it sent not there): the link as it is', () => {
    expect(withLandedSend(sending, post(4, { assignee_id: 'usr_raj' }))).toBe(sending);
    expect(withLandedSend(sending, post(5))).toBe(sending);
    expect(withLandedSend(link, post(5, { assignee_id: 'usr_raj' }))).toBe(link);
  });

  // Torture seeds 91025, 91065: a worker killed while its PATCH was in flight, Numerik users' edits since.
  describe('with its mark on the post (a worker killed while the PATCH was in flight)', () => {
    const mark = 'exo-task:7:send-token';
    const marked = { ...link, sending: pendingSend(4, patch, agreed, { mark }) };
    const carrying = (version: number, over: Partial<typeof base> = {}) => ({ ...post(version, over), external_ref: mark });

    it('landed exactly when the post carries the mark, whatever Numerik users changed since', () => {
      expect(withLandedSend(marked, carrying(5, { assignee_id: 'usr_raj' }))).toEqual({ ...marked, ...agreed });
      expect(withLandedSend(marked, carrying(7, { assignee_id: 'usr_ann', body_text: 'edited since' }))).toEqual({ ...marked, ...agreed });
    });

    it('never landed when the post does not carry it, even where a Numerik user made the same change', () => {
      expect(withLandedSend(marked, { ...post(5, { assignee_id: 'usr_raj' }), external_ref: 'exo-task:7:create-token' })).toBe(marked);
      expect(withLandedSend(marked, post(6, { assignee_id: 'usr_raj' }))).toBe(marked);
    });

    it('and not before the version it was made on', () => {
      expect(withLandedSend(marked, carrying(4))).toBe(marked);
    });
  });

  it('its card written ahead is stale only once another PATCH made on the same version landed, and only if it never answered', () => {
    const card = { id: '12', digest: 'd' };
    const carded = { ...link, sending: pendingSend(4, patch, agreed, { card }) };
    expect(staleCardAhead(carded, post(4), 4)).toEqual(card);
    // Made on a later version: the send may have landed before it.
    expect(staleCardAhead(carded, post(5), 5)).toBeUndefined();
    expect(staleCardAhead({ ...carded, sending: landedAt(carded.sending, 5) }, post(4), 4)).toBeUndefined();
    expect(staleCardAhead(sending, post(4), 4)).toBeUndefined();
    expect(staleCardAhead(link, post(4), 4)).toBeUndefined();
  });

  it('with its mark: stale once the post moved past its version without the mark, whatever landed since', () => {
    const card = { id: '12', digest: 'd' };
    const mark = 'exo-task:7:send-token';
    const carded = { ...link, sending: pendingSend(4, patch, agreed, { card, mark }) };
    expect(staleCardAhead(carded, { ...post(6), external_ref: 'exo-task:7:create-token' })).toEqual(card);
    expect(staleCardAhead(carded, { ...post(4), external_ref: 'exo-task:7:create-token' }, 4)).toEqual(card);
    // Landed (the post carries it), or may still land (the post is at its version).
    expect(staleCardAhead(carded, { ...post(6), external_ref: mark })).toBeUndefined();
    expect(staleCardAhead(carded, { ...post(4), external_ref: 'exo-task:7:create-token' })).toBeUndefined();
  });
});
