import type { Command } from 'commander';
import { OutboundWorker } from '../../sync/outbound/worker.js';
import { refreshReferenceData } from '../../sync/reference/refresh.js';
import type { CliContext } from '../context.js';
import { summarise } from './sync.js';

export function registerWorker(program: Command, ctx: () => CliContext): void {
  program
    .command('worker')
    .description('send Exo changes to Numerik until stopped (SIGTERM/SIGINT finish the batch in flight and exit)')
    .action(async () => {
      const c = ctx();
      const client = c.numerikClient();
      const db = await c.openMigratedDb();
      const options = c.syncOptions(db);
      const { batchSize, concurrency, leaseMs } = c.config.worker;
      const worker = new OutboundWorker({ db, client, options, logger: c.logger, batchSize, concurrency, leaseMs });
      const refresh = async () => {
        try {
          await refreshReferenceData(db, client, await options(), c.logger);
        } catch (error) {
          c.logger.error('reference data refresh failed', { error: error instanceof Error ? error.message : String(error) });
        }
      };
      await refresh();
      const timer = setInterval(() => void refresh(), (await options()).reconcileMinutes * 60_000);
      worker.start();
      c.logger.info('outbound worker started', { worker: worker.id });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          c.logger.info('stopping: finishing the batch in flight', { signal });
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      clearInterval(timer);
      await worker.stop();
      c.logger.info(`outbound worker stopped: ${summarise(worker.stats, -1).replace(', still queued -1', '')}`, { worker: worker.id });
      await client.close();
      await db.close();
    });
}
