import { silentLogger, type Logger } from '../logging/logger.js';
import { Pacer } from './pacer.js';

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
