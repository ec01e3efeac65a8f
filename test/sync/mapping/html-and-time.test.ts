import { describe, expect, it } from 'vitest';
import { textToHtml } from '../../../sync/mapping/text.js';
import { dateToWallClock, instantToWallClock, wallClockDate, wallClockToInstant } from '../../../sync/mapping/time.js';

describe('simple HTML', () => {
  it('turns text into escaped paragraphs', () => {
    expect(textToHtml('a < b\n"quoted" & done')).toBe('<p>a &lt; b</p><p>&quot;quoted&quot; &amp; done</p>');
  });
});

describe('Exo wall-clock times and Numerik instants (Pacific/Auckland, through DST)', () => {
  const zone = 'Pacific/Auckland';
  const wall = (iso: string) => new Date(`${iso}Z`);
  it.each([
    ['winter (NZST, +12)', '2026-07-01T09:00:00.000', '2026-06-30T21:00:00.000Z'],
    ['summer (NZDT, +13)', '2026-12-01T09:00:00.000', '2026-11-30T20:00:00.000Z'],
    ['the hour after spring forward', '2026-09-27T03:30:00.000', '2026-09-26T14:30:00.000Z'],
    ['a time inside the spring-forward gap moves forward', '2026-09-27T02:30:00.000', '2026-09-26T14:30:00.000Z'],
    ['an ambiguous autumn time takes the earlier offset', '2026-04-05T02:30:00.000', '2026-04-04T13:30:00.000Z'],
  ])('%s', (_, local, utc) => {
    expect(wallClockToInstant(wall(local), zone).toISOString()).toBe(utc);
  });

  it('round-trips every hour of a DST-changing year', () => {
    for (let h = 0; h < 365 * 24; h++) {
      const instant = new Date(Date.UTC(2026, 0, 1) + h * 3_600_000);
      expect(wallClockToInstant(instantToWallClock(instant, zone), zone).getTime()).toBeGreaterThanOrEqual(instant.getTime() - 3_600_000);
      expect(instantToWallClock(wallClockToInstant(instantToWallClock(instant, zone), zone), zone)).toEqual(instantToWallClock(instant, zone));
    }
  });

  it('dates without time', () => {
    expect(wallClockDate(wall('2026-12-24T17:00:00.000'))).toBe('2026-12-24');
    expect(dateToWallClock('2026-12-24')).toEqual(wall('2026-12-24T09:00:00.000'));
  });
});
