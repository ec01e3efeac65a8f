import type { Command } from 'commander';
import type { OutboundStats } from '../../sync/outbound/worker.js';
import type { LoadContext } from '../context.js';

export function summarise(stats: OutboundStats, stillQueued: number): string {
  return [
    `created ${stats.created}`,
    `updated ${stats.updated}`,
    `unchanged ${stats.unchanged}`,
    `skipped ${stats.skipped}`,
    `merged ${stats.merged}`,
    `parked ${stats.parked}`,
    `retrying ${stats.retried}`,
    `dead letters ${stats.dead}`,
    `still queued ${stillQueued}`,
  ].join(', ');
}

export function registerSync(program: Command, ctx: LoadContext): void {
  program
    .command('sync')
    .description('send what is queued to Numerik, then exit with a summary')
    .requiredOption('--once', 'drain the queue once (for a continuous worker: `exo-numerik worker`)')
    .action(async () => {
      const c = await ctx();
      const [{ OBJECTS }, { OutboundWorker }, { refreshReferenceData }] = await Promise.all([
        import('../../db/plugin/objects.js'),
        import('../../sync/outbound/worker.js'),
        import('../../sync/reference/refresh.js'),
      ]);
      const client = await c.numerikClient();
      try {
        await c.withDb(
          async (db) => {
            const options = await c.syncOptions(db);
            await refreshReferenceData(db, client, await options(), c.logger);
            const { batchSize, concurrency, leaseMs } = c.config.worker;
            const stats = await new OutboundWorker({ db, client, options, logger: c.logger, batchSize, concurrency, leaseMs }).drain();
            const [row] = await db.table(OBJECTS.queue).count({ n: '*' });
            console.log(`exo → numerik: ${summarise(stats, Number((row as { n: number | string }).n))}`);
            // The drain waits out a short pause (sync/worker-loop.ts); a longer one ends the run, said.
            const until = client.pausedUntil();
            if (until) {
              console.log(`stopped: Numerik asks to wait until ${until.toISOString().slice(11, 19)} UTC; run \`exo-numerik sync --once\` again after then for what is still queued`);
              process.exitCode = 1;
            }
          },
          () => c.openMigratedDb(),
        );
      } finally {
        await client.close();
      }
    });
}
