import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postAddress } from '../../sync/record/post-address.js';
import { stateText } from '../../sync/record/state-text.js';

const at = { now: new Date('2026-12-01T21:22:00Z'), lastSynced: new Date('2026-11-30T01:05:00Z') };
const ZONE = 'Pacific/Auckland';

describe('the state field', () => {
  it('says when something was last carried across, in the site\'s zone', () => {
    expect(stateText({ kind: 'synced', transferred: true, conflict: false }, null, at, ZONE)).toBe('In Numerik · synced 2 Dec 10:22');
  });

  it('is left as it is by a sync that carried nothing, and shows the link\'s last sync when it had another state', () => {
    const current = 'In Numerik · synced 1 Jan 00:00';
    expect(stateText({ kind: 'synced', transferred: false, conflict: false }, current, at, ZONE)).toBe(current);
    expect(stateText({ kind: 'synced', transferred: false, conflict: false }, 'Waiting: customer not linked', at, ZONE)).toBe('In Numerik · synced 30 Nov 14:05');
  });

  it('names waiting, stopped, not synced, deleted and conflicts in words, within the field', () => {
    expect(stateText({ kind: 'waiting', reason: 'customer not linked' }, null, at, ZONE)).toBe('Waiting: customer not linked');
    expect(stateText({ kind: 'stopped' }, null, at, ZONE)).toBe('Stopped: see exo-numerik status');
    expect(stateText({ kind: 'deleted-in-numerik' }, null, at, ZONE)).toBe('Deleted in Numerik');
    expect(stateText({ kind: 'synced', transferred: true, conflict: true }, null, at, ZONE)).toBe('In Numerik · conflict to review: see exo-numerik status');
    const long = stateText({ kind: 'not-synced', reason: 'x'.repeat(300) }, null, at, ZONE);
    expect(long).toHaveLength(100);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe("the post's address", () => {
  it("is Numerik's web_url, else the template with the id, else nothing", () => {
    expect(postAddress('https://app.numerik.example/p/1', null, 'pst_1')).toBe('https://app.numerik.example/p/1');
    expect(postAddress(null, 'https://app.numerik.example/posts/{id}', 'pst_1')).toBe('https://app.numerik.example/posts/pst_1');
    expect(postAddress(undefined, null, 'pst_1')).toBeNull();
  });

  it('is never anything an Exo user should not click: other schemes, credentials, spaces, control characters, too long', () => {
    const template = 'https://app.numerik.example/posts/{id}';
    for (const hostile of ['javascript:alert(1)', 'file://server/share/x', '\\\\server\\share', 'https://u:p@evil.example/', 'https://a.example/x y', 'https://a.example/\u0007', `https://a.example/${'a'.repeat(300)}`]) {
      expect(postAddress(hostile, template, 'pst_1')).toBe('https://app.numerik.example/posts/pst_1');
    }
    expect(postAddress(null, template, 'pst/../x?y')).toBe('https://app.numerik.example/posts/pst%2F..%2Fx%3Fy');
  });

  it('law: whatever Numerik sends, the address is null or a plain http(s) URL of at most 255 characters', () => {
    fc.assert(
      fc.property(fc.option(fc.oneof(fc.webUrl(), fc.string({ unit: 'binary' }))), fc.option(fc.constant('https://n.example/{id}')), fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }), (webUrl, template, id) => {
        const address = postAddress(webUrl, template, id);
        if (address === null) return;
        expect(address.length).toBeLessThanOrEqual(255);
        expect(address).toMatch(/^https?:\/\/[\x21-\x7e]+$/);
        expect(['http:', 'https:']).toContain(new URL(address).protocol);
      }),
      { seed: 20261201, numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
