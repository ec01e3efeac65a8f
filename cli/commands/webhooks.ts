import type { Command } from 'commander';
import type { LoadContext } from '../context.js';

export function registerWebhooks(program: Command, ctx: LoadContext): void {
  const webhooks = program.command('webhooks').description("Numerik's webhooks to this service");

  webhooks
    .command('register')
    .description('register our receiver with Numerik; the signing secret is stored in the database and never shown')
    .option('--url <url>', 'the URL Numerik calls (default: api.publicUrl + /webhooks/numerik)')
    .action(async (opts: { url?: string }) => {
      const c = await ctx();
      const base = c.config.api.publicUrl;
      const url = opts.url ?? (base ? `${base.replace(/\/$/, '')}/webhooks/numerik` : undefined);
      if (!url) throw new Error('give --url, or set api.publicUrl (EXO_API_PUBLIC_URL)');
      const client = await c.numerikClient();
      try {
        await c.withDb(async (db) => {
          const overlap = c.config.numerik.webhookSecretOverlapMinutes;
          const { registerWebhook } = await import('../../sync/webhooks.js');
          const hook = await registerWebhook(db, client, url, overlap);
          console.log(`registered webhook ${hook.id} for ${hook.url}; its secret is stored (not shown)`);
          if (hook.replaced.length) console.log(`replaced ${hook.replaced.join(', ')}: its secret is accepted for ${overlap} more minute(s), then no longer`);
        });
      } finally {
        await client.close();
      }
    });

  webhooks
    .command('list')
    .description('the webhooks Numerik has for us, and whether we hold their secret')
    .action(async () => {
      const c = await ctx();
      const client = await c.numerikClient();
      try {
        await c.withDb(async (db) => {
          const { readWebhooks } = await import('../../db/plugin/webhook-secrets.js');
          const ours = new Set((await readWebhooks(db)).map((h) => h.id));
          const theirs = await client.listWebhooks();
          if (!theirs.length) console.log('no webhooks registered');
          for (const h of theirs) console.log(`${h.id}  ${h.url}  ${h.events.join(',')}  ${ours.has(h.id) ? 'secret stored' : 'secret NOT stored here'}`);
        });
      } finally {
        await client.close();
      }
    });

  webhooks
    .command('remove <id>')
    .description('unregister a webhook with Numerik and forget its secret')
    .action(async (id: string) => {
      const c = await ctx();
      const client = await c.numerikClient();
      try {
        await c.withDb(async (db) => {
          await client.deleteWebhook(id);
          const { removeWebhook } = await import('../../db/plugin/webhook-secrets.js');
          const known = await removeWebhook(db, id);
          console.log(`removed webhook ${id}${known ? '' : ' (its secret was not stored here)'}`);
        });
      } finally {
        await client.close();
      }
    });
}
