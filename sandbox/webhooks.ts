import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { signatureHeader, EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../sync/numerik/signature.js';
import type { Webhook, WebhookEvent, WebhookEventType } from '../sync/numerik/types.js';
import type { Faults } from './faults.js';
import { newId, type SandboxStore } from './store.js';

interface Registration extends Webhook {
  secret: string;
}

interface Job {
  hook: Registration;
  event: WebhookEvent;
  attempt: number;
}

/**
 * Numerik's webhook sender: signed, at least once, in no guaranteed order, retried with backoff on
 * any non-2xx answer or one slower than 10 s.
 */
export class WebhookSender {
  readonly hooks = new Map<string, Registration>();
  delivered = 0;
  failedAttempts = 0;
  private inFlight = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private held: Job[] = [];
  private heldTimer: NodeJS.Timeout | undefined;
  private readonly agent = new Agent({ headersTimeout: 10_000, bodyTimeout: 10_000, connections: 16 });
  private readonly onEvent = (event: WebhookEvent) => this.publish(event);
  private closed = false;

  constructor(
    store: SandboxStore,
    private readonly faults: Faults,
    private readonly retry = { baseMs: 200, capMs: 5_000, maxAttempts: 200 },
  ) {
    store.events.on('event', this.onEvent);
  }

  register(url: string, events: WebhookEventType[]): Registration {
    const hook = { id: newId('whk'), url, events, secret: `whsec_${randomBytes(24).toString('hex')}` };
    this.hooks.set(hook.id, hook);
    return hook;
  }

  /** Events not yet answered with 2xx (held, waiting to retry or on the wire). */
  get pending(): number {
    return this.inFlight + this.timers.size + this.held.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.heldTimer) clearTimeout(this.heldTimer);
    await this.agent.close();
  }

  private publish(event: WebhookEvent): void {
    for (const hook of this.hooks.values()) {
      if (!hook.events.includes(event.type)) continue;
      const copies = this.faults.duplicateWebhooks ? 2 : 1;
      for (let i = 0; i < copies; i++) this.schedule({ hook, event, attempt: 0 }, 0);
    }
  }

  private schedule(job: Job, delayMs: number): void {
    if (this.closed) return;
    if (this.faults.reorderWebhooks && job.attempt === 0 && delayMs === 0) {
      // Hold a short batch and send it newest first.
      this.held.push(job);
      this.heldTimer ??= setTimeout(() => {
        this.heldTimer = undefined;
        const batch = this.held.reverse();
        this.held = [];
        for (const j of batch) this.schedule({ ...j, attempt: 1 }, 0);
      }, 50);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(job);
    }, delayMs);
    this.timers.add(timer);
  }

  private async deliver(job: Job): Promise<void> {
    if (this.faults.pauseWebhooks) return this.schedule(job, 100);
    this.inFlight += 1;
    const body = JSON.stringify(job.event);
    const timestamp = Math.floor(Date.now() / 1000);
    let ok = false;
    try {
      const response = await request(job.hook.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          [EVENT_ID_HEADER]: job.event.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signatureHeader([job.hook.secret], timestamp, body),
        },
        body,
      });
      await response.body.dump();
      ok = response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      ok = false;
    } finally {
      this.inFlight -= 1;
    }
    if (ok) {
      this.delivered += 1;
      return;
    }
    this.failedAttempts += 1;
    const attempt = job.attempt + 1;
    if (attempt >= this.retry.maxAttempts || !this.hooks.has(job.hook.id)) return;
    this.schedule({ ...job, attempt }, Math.min(this.retry.capMs, this.retry.baseMs * 2 ** Math.min(attempt, 10)));
  }
}
