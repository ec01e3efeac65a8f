import type { QueueLane } from '../../db/plugin/queue/lanes.js';

/**
 * The sends one outbound worker has in flight, a budget its two lanes share: Numerik sees at most
 * `worker.concurrency` of them, however the lanes are loaded. A freed slot goes to a live change
 * waiting for one before any history, so a backfill takes only what live changes leave.
 */
export class SendSlots {
  private taken = 0;
  private readonly waiting: Record<QueueLane, (() => void)[]> = { live: [], history: [] };

  constructor(private readonly size: number) {}

  async run<T>(lane: QueueLane, send: () => Promise<T>): Promise<T> {
    if (this.taken < this.size) this.taken += 1;
    else await new Promise<void>((resolve) => this.waiting[lane].push(resolve));
    try {
      return await send();
    } finally {
      // Handed on as it is, never freed first: no send can slip in between.
      const next = this.waiting.live.shift() ?? this.waiting.history.shift();
      if (next) next();
      else this.taken -= 1;
    }
  }
}
