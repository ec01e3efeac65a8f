import type { Command } from 'commander';
import { startService } from '../../service/service.js';
import type { CliContext } from '../context.js';

export function registerServe(program: Command, ctx: () => CliContext): void {
  program
    .command('serve')
    .description('run the sync: the local API (webhooks), both workers, reference data and the reconcile poll')
    .action(async () => {
      const c = ctx();
      const client = c.numerikClient();
      const db = await c.openMigratedDb();
      const webhookSecrets = c.config.numerik.webhookSecret?.split(',').map((s) => s.trim()).filter(Boolean);
      const service = await startService({ db, client, logger: c.logger, sync: c.config.sync, api: c.config.api, webhookSecrets, worker: c.config.worker }).catch(async (error: unknown) => {
        await client.close();
        await db.close();
        throw error;
      });
      console.log(`exo-numerik serving on ${service.url} (webhooks: ${service.url}/webhooks/numerik)`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      c.logger.info('stopping: no new work; finishing what is in flight');
      await service.stop();
      await client.close();
      await db.close();
    });
}
