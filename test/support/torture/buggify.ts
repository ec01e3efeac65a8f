import { FAILPOINTS, armFailpoint, disarmAll, type FailpointName } from '../../../sync/failpoints.js';
import type { Prng } from './prng.js';

/**
 * BUGGIFY (FoundationDB): random sleeps at the sync's named failpoints widen the windows in which
 * another actor can slip in. Which points are armed and how long they sleep come from the seed;
 * whether a given hit sleeps comes from the buggify stream, which timing drives, so it never shifts
 * the actors' schedule.
 */
export function buggify(rng: Prng, options: { armed: number; maxSleepMs: number }): { points: FailpointName[]; disarm(): void } {
  const points = FAILPOINTS.filter(() => rng.chance(options.armed));
  for (const name of points) {
    const p = rng.int(20, 60) / 100;
    const max = rng.int(10, options.maxSleepMs);
    armFailpoint(name, () => (rng.chance(p) ? new Promise((resolve) => setTimeout(resolve, rng.int(1, max))) : undefined));
  }
  return { points, disarm: disarmAll };
}

/**
 * EXO_FAILPOINTS for a child worker: a few sleeps, and now and then an `exit` (kill -9 at a named
 * point rather than at a random instant). Empty when nothing is armed.
 */
export function childFailpoints(rng: Prng): string {
  return FAILPOINTS.flatMap((name) => {
    if (rng.chance(0.08)) return [`${name}=exit`];
    if (rng.chance(0.3)) return [`${name}=sleep(${rng.int(5, 300)})`];
    return [];
  }).join(';');
}
