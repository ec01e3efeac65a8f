import type { Db } from '../../../db/connect.js';
import { storeEvent } from '../../../db/plugin/inbox/store-event.js';
import type { SandboxStore } from '../../../sandbox/store.js';
import type { WebhookEvent } from '../../../sync/numerik/types.js';
import type { Prng } from './prng.js';

/**
 * Numerik's webhooks as a hostile network delivers them: each event stored in the inbox after a
 * random delay (so they arrive reordered), some twice (Numerik's at-least-once), some late. The
 * event is stored as the receiver stores it (db/plugin/inbox/store-event.ts); the HTTP edge has
 * its own tests. The delays come from the feed's own stream of the seed.
 */
export class WebhookFeed {
  delivered = 0;
  duplicates = 0;
  failed = 0;
  private pendingCount = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listener = (event: WebhookEvent) => this.publish(event);
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly store: SandboxStore,
    private readonly rng: Prng,
    private readonly onStored: () => void,
    private readonly chaos: { duplicate: number; maxDelayMs: number; late: number; lateMs: number },
  ) {
    store.events.on('event', this.listener);
  }

  /** Events not yet stored (waiting for their delivery, or being stored). */
  get pending(): number {
    return this.pendingCount;
  }

  /** Takes no more events and drops the deliveries still waiting (the run is over). */
  close(): void {
    this.closed = true;
    this.store.events.off('event', this.listener);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private publish(event: WebhookEvent): void {
    const copies = this.rng.chance(this.chaos.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i += 1) {
      const delay = this.rng.chance(this.chaos.late) ? this.rng.int(this.chaos.maxDelayMs, this.chaos.lateMs) : this.rng.int(0, this.chaos.maxDelayMs);
      this.pendingCount += 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.deliver(event);
      }, delay);
      this.timers.add(timer);
    }
  }

  private async deliver(event: WebhookEvent): Promise<void> {
    try {
      // A stored event is acknowledged; a failure to store it is retried, as Numerik retries.
      for (let attempt = 0; !this.closed; attempt += 1) {
        try {
          const stored = await storeEvent(this.db, { eventId: event.id, type: event.type, postId: event.data.post_id, version: event.data.version, source: 'webhook' });
          if (stored === 'duplicate') this.duplicates += 1;
          else this.delivered += 1;
          this.onStored();
          return;
        } catch (error) {
          if (attempt >= 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } catch {
      this.failed += 1;
    } finally {
      this.pendingCount -= 1;
    }
  }
}
