import type { Command } from 'commander';
import type { DemoView } from '../../api/status-page.js';
import type { LoadContext } from '../context.js';
import { callService as call, runningService } from '../running-service.js';
import { ConfigError } from '../../config/error.js';

/** `exo-numerik demo …`: be an Exo user or a Numerik user in the running demo (`npm start`). */
export function registerDemo(program: Command, ctx: LoadContext): void {
  const demo = program.command('demo').description('act as a user in the demo that `npm start` runs');
  const running = async () => {
    const found = runningService((await ctx()).target());
    if (!found) throw new ConfigError('no demo is running here: start it with `npm start` (in this folder)');
    return found;
  };
  demo
    .command('create')
    .description('only make the embedded database: the demo Exo company, migrated (what `start` does first), and show its status')
    .action(async () => {
      const c = await ctx();
      if (c.target().client !== 'pglite') throw new ConfigError('the demo company is made only in the embedded database (no EXO_DB_URL)');
      if (runningService(c.target())) throw new ConfigError('the demo is running: stop it first (Ctrl+C where `npm start` runs)');
      const [{ describeTarget }, { migrationStatus }, { prepareEmbeddedDb }, { printStatus }] = await Promise.all([
        import('../../db/target.js'),
        import('../../migrations/drift.js'),
        import('../demo-database.js'),
        import('../migrate-actions.js'),
      ]);
      await c.withDb(async (db) => {
        const migrator = await prepareEmbeddedDb(c, db, true);
        printStatus(describeTarget(db.target), await migrationStatus(db, migrator));
      }, () => c.openDb({ create: true }));
    });
  demo
    .command('show')
    .description('the newest activities in Exo and posts in Numerik, and how they are linked')
    .action(async () => {
      const view = await call<DemoView>(await running(), 'GET', '/demo');
      console.log('Exo activities:');
      for (const a of view.activities) console.log(`  ${String(a.seqno).padStart(4)}  ${a.subject}${a.postId ? `  → ${a.postId}` : '  (not synced yet)'}`);
      console.log(`Numerik posts (${view.sandboxUrl}):`);
      for (const p of view.posts) console.log(`  ${p.id}  ${p.text.split('\n')[0]}${p.activitySeqno ? `  → activity ${p.activitySeqno}` : '  (not synced yet)'}`);
    });
  demo
    .command('edit')
    .description("edit an activity's details as an Exo user (ACTIVITY --text), or a post as a Numerik user (--post ID --text)")
    .argument('[activity]', 'the activity key (SEQNO), as `demo show` lists it')
    .requiredOption('--text <text>', 'the new text (its first line becomes the subject); \\n starts a new line')
    .option('--post <id>', 'a Numerik post instead of an activity')
    .action(async (activity: string | undefined, opts: { text: string; post?: string }) => {
      const text = opts.text.replace(/\\n/g, '\n');
      if (!opts.post && !activity) throw new ConfigError('name the activity (demo edit 1 --text "…") or the post (demo edit --post ID --text "…")');
      const route = opts.post ? `/demo/posts/${encodeURIComponent(opts.post)}` : `/demo/activities/${encodeURIComponent(activity!)}`;
      console.log((await call<{ message: string }>(await running(), 'POST', route, { text })).message);
    });
}
