import { Writable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backfillBarLine, timeLeft } from '../../cli/backfill-bar.js';

/** What a real cli-progress bar with the backfill's format writes to a terminal. */
function render(steps: (bar: SingleBar) => void): string {
  let out = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    }),
    { isTTY: true, columns: 200 },
  );
  const bar = new SingleBar({ format: backfillBarLine, stream, fps: 1000 }, Presets.shades_classic);
  steps(bar);
  bar.stop();
  return out;
}

/** Seconds back from the words (hours and minutes, minutes and seconds, or seconds). */
const secondsIn = (text: string) => {
  const [, h = '0', min = '0', s = '0'] = /^(?:(\d+) h )?(?:(\d+) min )?(?:(\d+) s )?left$/.exec(text)!;
  return Number(h) * 3600 + Number(min) * 60 + Number(s);
};

describe('the backfill bar', () => {
  it('before it has a rate, says the time left is not known yet (cli-progress alone printed "NFs left")', () => {
    const out = render((bar) => {
      bar.start(1000, 0);
      bar.update(0);
    });
    expect(out).toContain('0/1000 activities · time left not known yet');
    expect(out).not.toMatch(/NF|NULL|NaN|INF/);
  });

  it('with a rate, says the time left in hours, minutes and seconds', () => {
    expect(timeLeft(0)).toBe('0 s left');
    expect(timeLeft(42)).toBe('42 s left');
    expect(timeLeft(125)).toBe('2 min 5 s left');
    expect(timeLeft(7384)).toBe('2 h 3 min left');
  });

  it('any estimate reads as words: a time left within a minute of it, or (none, or past 115 days as cli-progress has it) not known yet', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom('INF', 'NULL', '0'), fc.nat({ max: 10_000_000 })), (eta) => {
        const text = timeLeft(eta);
        if (typeof eta === 'number' && eta >= 0 && eta <= 1e7) {
          expect(text).toMatch(/^(\d+ h \d+ min|(\d+ min )?\d+ s) left$/);
          expect(Math.abs(secondsIn(text) - eta)).toBeLessThan(60);
        } else expect(text).toBe('time left not known yet');
      }),
      { seed: 20261206, numRuns: 500 },
    );
  });
});
