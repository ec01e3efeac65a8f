import type { Command } from 'commander';
import { refreshReferenceData } from '../../sync/reference/refresh.js';
import type { CliContext } from '../context.js';

export function registerReference(program: Command, ctx: () => CliContext): void {
  program
    .command('reference')
    .description('customers, staff and activity types ⇄ Numerik')
    .command('refresh')
    .description('link customers (external_ref), staff (email) and types ⇄ tags now')
    .action(async () => {
      const c = ctx();
      const client = c.numerikClient();
      try {
        await c.withDb(async (db) => {
          const s = await refreshReferenceData(db, client, await c.syncOptions(db)(), c.logger);
          console.log(`customers linked ${s.customers} (${s.newlyLinked} new, ${s.requeued} parked activities queued again), staff linked ${s.staff}, activity types ⇄ tags ${s.typeTags}`);
        }, () => c.openMigratedDb());
      } finally {
        await client.close();
      }
    });
}
