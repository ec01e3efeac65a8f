import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { runService } from '../run-service.js';

export function registerServe(program: Command, ctx: () => CliContext): void {
  program
    .command('serve')
    .description('run the sync: the local API (webhooks, status, metrics), both workers, reference data and the reconcile poll')
    .action(async () => {
      const c = ctx();
      await runService(c, await c.openMigratedDb());
    });
}
