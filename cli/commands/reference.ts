import type { Command } from 'commander';
import type { LoadContext } from '../context.js';

export function registerReference(program: Command, ctx: LoadContext): void {
  program
    .command('reference')
    .description('customers, staff and activity types ⇄ Numerik')
    .command('refresh')
    .description('link customers (external_ref), staff (email) and types ⇄ tags now')
    .action(async () => {
      const c = await ctx();
      const client = await c.numerikClient();
      try {
        await c.withDb(async (db) => {
          const { refreshReferenceData } = await import('../../sync/reference/refresh.js');
          const s = await refreshReferenceData(db, client, await (await c.syncOptions(db))(), c.logger);
          console.log(`customers linked ${s.customers} (${s.newlyLinked} new, ${s.requeued} parked activities queued again), staff linked ${s.staff}, activity types ⇄ tags ${s.typeTags}`);
        }, () => c.openMigratedDb());
      } finally {
        await client.close();
      }
    });
}
