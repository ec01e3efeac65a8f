import type { Command } from 'commander';
import type { LoadContext } from '../context.js';

export function registerWorker(program: Command, ctx: LoadContext): void {
  program
    .command('worker')
    .description('work the queue (Exo → Numerik) and/or the inbox (Numerik → Exo) until stopped; SIGTERM/SIGINT finish the batch in flight')
    .option('--direction <direction>', 'outbound, inbound or both', 'both')
    .action(async (opts: { direction: string }) => {
      if (!['outbound', 'inbound', 'both'].includes(opts.direction)) throw new Error(`--direction must be outbound, inbound or both, not "${opts.direction}"`);
      const c = await ctx();
      const [{ reconcile }, { InboundWorker }, { OutboundWorker }, { refreshReferenceData }] = await Promise.all([
        import('../../sync/inbound/reconcile.js'),
        import('../../sync/inbound/worker.js'),
        import('../../sync/outbound/worker.js'),
        import('../../sync/reference/refresh.js'),
      ]);
      const client = await c.numerikClient((text) => c.logger.warn(text));
      const db = await c.openMigratedDb();
      const options = await c.syncOptions(db);
      const workerOptions = { db, client, options, logger: c.logger, ...c.config.worker };
      const workers = [
        ...(opts.direction !== 'inbound' ? [new OutboundWorker(workerOptions)] : []),
        ...(opts.direction !== 'outbound' ? [new InboundWorker(workerOptions)] : []),
      ];
      const housekeeping = async () => {
        try {
          const current = await options();
          await refreshReferenceData(db, client, current, c.logger);
          if (opts.direction !== 'outbound' && current.syncNumerikToExo) await reconcile(db, client, current, c.logger);
        } catch (error) {
          c.logger.error('reference refresh / reconcile poll failed', { error: error instanceof Error ? error.message : String(error) });
        }
      };
      await housekeeping();
      const timer = setInterval(() => void housekeeping(), (await options()).reconcileMinutes * 60_000);
      for (const w of workers) w.start();
      c.logger.info('workers started', { workers: workers.map((w) => w.id) });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          c.logger.info('stopping: finishing the batch in flight', { signal });
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      clearInterval(timer);
      await Promise.all(workers.map((w) => w.stop()));
      c.logger.info('workers stopped', { stats: workers.map((w) => ({ worker: w.id, ...w.stats })) });
      await client.close();
      await db.close();
    });
}
