/** How often the interval is read again: a change of it is seen within this (and the options' cache). */
const CHECK_MS = 1_000;

export interface Repeating {
  stop(): void;
}

/**
 * Runs `work` every `minutes()` minutes, the interval read again at every check rather than once per
 * run: a shorter interval set while a long one is pending takes effect at once (a run already due
 * under it starts now), not after the run the old interval scheduled. A failure is handed to
 * `onError` and the next run comes at the usual time.
 */
export function everyMinutes(work: () => Promise<void>, minutes: () => Promise<number>, o: { onError(error: unknown): void; checkMs?: number }): Repeating {
  let lastStart = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = async () => {
    try {
      if (Date.now() - lastStart >= (await minutes()) * 60_000) {
        lastStart = Date.now();
        await work();
      }
    } catch (error) {
      o.onError(error);
    }
    if (!stopped) timer = setTimeout(() => void check(), o.checkMs ?? CHECK_MS);
  };
  timer = setTimeout(() => void check(), o.checkMs ?? CHECK_MS);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
