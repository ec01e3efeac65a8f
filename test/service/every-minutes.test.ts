import { describe, expect, it } from 'vitest';
import { everyMinutes } from '../../service/every-minutes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MINUTE_MS = 60_000;

describe('everyMinutes (the reference refresh and reconcile poll every reconcileMinutes)', () => {
  it('a shorter interval set while a long one is pending takes effect at once, not after the long wait', async () => {
    let minutes = 60;
    const runs: number[] = [];
    const repeating = everyMinutes(async () => void runs.push(Date.now()), async () => minutes, { onError: () => undefined, checkMs: 10 });
    try {
      await sleep(200);
      expect(runs).toEqual([]);
      minutes = 300 / MINUTE_MS;
      // Already past 300 ms since the start: the first run comes at the next check (seconds at most on
      // a loaded machine, not the hour the old interval had left), then one every 300 ms.
      const deadline = Date.now() + 10_000;
      while (runs.length < 2 && Date.now() < deadline) await sleep(20);
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(300);
    } finally {
      repeating.stop();
    }
  });

  it('a failed run is handed over and the next comes as usual; after stop nothing runs', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const repeating = everyMinutes(
      async () => {
        runs += 1;
        throw new Error(`run ${runs} failed`);
      },
      async () => 50 / MINUTE_MS,
      { onError: (e) => errors.push(e), checkMs: 10 },
    );
    await sleep(400);
    repeating.stop();
    const stoppedAt = runs;
    expect(stoppedAt).toBeGreaterThanOrEqual(2);
    expect(errors.map((e) => (e as Error).message).slice(0, 2)).toEqual(['run 1 failed', 'run 2 failed']);
    await sleep(200);
    expect(runs).toBe(stoppedAt);
  });
});
