import type { Command } from 'commander';
import type { LoadContext } from '../context.js';

export function registerServe(program: Command, ctx: LoadContext): void {
  program
    .command('serve')
    .description('run the sync: the local API (webhooks, status, metrics), both workers, reference data and the reconcile poll')
    .action(async () => {
      const c = await ctx();
      const { runService } = await import('../run-service.js');
      await runService(c, await c.openMigratedDb());
    });
}
