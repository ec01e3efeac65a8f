import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { NumerikClient } from './numerik/client.js';
import { MAX_WAIT_MS } from './numerik/waits.js';
import { Pacer } from './pacer.js';

/**
 * The longest a worker sleeps for Numerik while it holds claimed work: a longer Retry-After hands
 * the work back (uncounted, ready when Numerik takes calls again) for whichever worker is free then.
 */
export const WORKER_MAX_WAIT_MS = 5_000;
/** Rows handed back until the end of a pause are ready by the database's clock: a little after ours. */
const READY_MARGIN_MS = 500;

/** A loop's idle wait: its poll interval, or less when the pause Numerik asked for ends sooner. */
export function idleWait(client: NumerikClient, pollMs: number): number {
  const until = client.pausedUntil();
  return until ? Math.min(pollMs, until.getTime() - Date.now() + READY_MARGIN_MS) : pollMs;
}

/**
 * Runs batches until one claims nothing (a command's drain): a pause Numerik asked for that a
 * command waits for (MAX_WAIT_MS) is waited out first, since the work it handed back is ready after it.
 */
export async function drainBatches(client: NumerikClient, batch: () => Promise<number>): Promise<void> {
  for (;;) {
    if ((await batch()) > 0) continue;
    const left = (client.pausedUntil()?.getTime() ?? 0) - Date.now();
    if (left <= 0 || left > MAX_WAIT_MS) return;
    await sleep(left + READY_MARGIN_MS);
  }
}

/**
 * Runs batches until stopped: a full batch is followed at once by the next; an idle loop waits
 * `idleMs`, a failed batch a little longer. stop() lets the batch in flight finish.
 */
export class WorkerLoop {
  private pacer = new Pacer();
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly batch: () => Promise<{ full: boolean }>,
    private readonly idleMs: () => Promise<number>,
    private readonly logger: Logger = silentLogger,
  ) {}

  start(): void {
    const pacer = this.pacer;
    this.running ??= (async () => {
      while (!pacer.stopped) {
        try {
          const { full } = await this.batch();
          if (!full) await pacer.pause(await this.idleMs());
        } catch (error) {
          this.logger.error(`${this.name} batch failed`, { error: error instanceof Error ? error.message : String(error) });
          await pacer.pause(5_000);
        }
      }
    })();
  }

  /** Wakes an idle loop (new work arrived), after `afterMs` to gather a burst into one batch. */
  poke(afterMs = 0): void {
    this.pacer.poke(afterMs);
  }

  /** Stops after the batch in flight; start() may run it again. */
  async stop(): Promise<void> {
    this.pacer.stop();
    await this.running;
    this.running = undefined;
    this.pacer = new Pacer();
  }
}
