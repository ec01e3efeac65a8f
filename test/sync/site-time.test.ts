import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { siteTimeOf } from '../../sync/site-time.js';

describe('a site time as typed (CLI options and admin query strings alike)', () => {
  it('reads a date or a date-time as wall-clock fields', () => {
    expect(siteTimeOf('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(siteTimeOf(' 2026-01-01T08:30 ')).toEqual(new Date('2026-01-01T08:30:00Z'));
    expect(siteTimeOf('2026-01-01 08:30:15')).toEqual(new Date('2026-01-01T08:30:15Z'));
  });

  it.each(['2026-13-45', '2026-02-29', '2026-04-31', '2026-00-10', '2026-01-01T24:00', '2026-01-01T08:60', '2026-01-01T08:00:60', '0050-01-01', 'last week', '2026-1-1', ''])(
    'refuses %j: never a date rolled over into another one',
    (text) => expect(siteTimeOf(text)).toBeUndefined(),
  );

  it('for any wall-clock time: its text reads back as it, and no other text of those digits reads', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 99 }), (date, wrong) => {
        const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
        const text = whole.toISOString().slice(0, 19);
        expect(siteTimeOf(text)).toEqual(whole);
        const other = `${text.slice(0, 8)}${String(wrong).padStart(2, '0')}`;
        const exists = wrong >= 1 && wrong <= new Date(Date.UTC(whole.getUTCFullYear(), whole.getUTCMonth() + 1, 0)).getUTCDate();
        expect(siteTimeOf(other) !== undefined).toBe(exists);
      }),
      { seed: 20261206, numRuns: 500 },
    );
  });
});
