/** The idle wait of a worker loop: ends after its time, at once on poke() (new work), or on stop(). */
export class Pacer {
  stopped = false;
  private wake: (() => void) | undefined;
  private pokeTimer: NodeJS.Timeout | undefined;

  pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Ends the wait now, or after `afterMs` so that a burst of pokes wakes the loop once. */
  poke(afterMs = 0): void {
    if (!afterMs) return this.wake?.();
    if (this.pokeTimer) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = undefined;
      this.wake?.();
    }, afterMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.pokeTimer);
    this.wake?.();
  }
}
