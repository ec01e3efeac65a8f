import { describe, expect, it } from 'vitest';
import { CUT_MARKER, fitText } from '../../../sync/mapping/limits.js';
import { cutAtWord, firstLine, splitComments, textToHtml } from '../../../sync/mapping/text.js';
import { dateToWallClock, instantToWallClock, wallClockDate, wallClockToInstant } from '../../../sync/mapping/time.js';

describe('text rules', () => {
  it.each([
    ['Call Jo\nWants a quote', 'Call Jo'],
    ['\n\n  Call Jo  \nmore', 'Call Jo'],
    ['', ''],
    [null, ''],
    ['A very long first line that goes on and on past the sixty character limit of Exo', 'A very long first line that goes on and on past the sixty'],
    ['Averyveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutspaces', 'Averyveryveryveryveryveryveryveryveryveryveryveryveryverylon'],
    [`Emoji ${'😀'.repeat(60)}`, `Emoji ${'😀'.repeat(54)}`],
  ])('first line of %j is %j', (text, expected) => {
    expect(firstLine(text)).toBe(expected);
    expect(Array.from(firstLine(text)).length).toBeLessThanOrEqual(60);
  });

  it('never cuts inside a character', () => {
    const cut = cutAtWord('😀'.repeat(70), 60);
    expect(Array.from(cut)).toHaveLength(60);
    expect(cut).toBe('😀'.repeat(60));
  });

  it.each([
    ['Text only', { above: 'Text only', below: null }],
    ['Mine\n##Comments##\nAnn: hi', { above: 'Mine', below: 'Ann: hi' }],
    ['Mine\n\n  ##comments##  \nAnn: hi\nRaj: yo', { above: 'Mine', below: 'Ann: hi\nRaj: yo' }],
    ['##Comments##\nonly comments', { above: '', below: 'only comments' }],
    [null, { above: '', below: null }],
  ])('splits %j at the comments line', (details, expected) => {
    expect(splitComments(details)).toEqual(expected);
  });

  it('turns text into escaped paragraphs', () => {
    expect(textToHtml('a < b\n"quoted" & done')).toBe('<p>a &lt; b</p><p>&quot;quoted&quot; &amp; done</p>');
  });

  it('cuts text that does not fit at a line boundary, with a visible marker', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(90)}`).join('\n');
    const fitted = fitText(lines, 5500);
    expect(fitted.cut).toBe(true);
    expect(fitted.text.length).toBeLessThanOrEqual(5500);
    expect(fitted.text.endsWith(`\n${CUT_MARKER}`)).toBe(true);
    const kept = fitted.text.split('\n').slice(0, -1);
    expect(kept.every((l, i) => l === `line ${i} ${'x'.repeat(90)}`)).toBe(true);
    expect(fitText('short', 60)).toEqual({ text: 'short', cut: false });
    const oneLong = fitText('word '.repeat(30), 60);
    expect(oneLong.text.length).toBeLessThanOrEqual(60);
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

describe('fitText keeps as much as fits', () => {
  it('cuts inside a long last line rather than dropping it', () => {
    const text = `${'s'.repeat(60)}\n${'word '.repeat(1100)}`;
    const fitted = fitText(text, 5500);
    expect(fitted.text.length).toBeLessThanOrEqual(5500);
    expect(fitted.text.length).toBeGreaterThan(5400);
    expect(fitted.text.startsWith(`${'s'.repeat(60)}\nword word`)).toBe(true);
    expect(fitted.text.endsWith(`word\n${CUT_MARKER}`)).toBe(true);
  });
});
