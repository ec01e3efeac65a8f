import type { SyncOptions } from '../options.js';

export type Side = 'exo' | 'numerik';

/**
 * Both sides changed since the last sync: who wins. `newest-wins` compares when each side last
 * changed (as Exo's Outlook sync does); a tie goes to Numerik, whose clock is not the site's.
 */
export function conflictWinner(policy: SyncOptions['conflictPolicy'], exoChangedAt: Date | null, numerikChangedAt: string | null): Side {
  if (policy === 'exo-wins') return 'exo';
  if (policy === 'numerik-wins') return 'numerik';
  const exo = exoChangedAt?.getTime() ?? 0;
  const numerik = numerikChangedAt ? Date.parse(numerikChangedAt) : 0;
  return exo > numerik ? 'exo' : 'numerik';
}
