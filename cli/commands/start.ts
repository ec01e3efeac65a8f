import type { Command } from 'commander';
import type { LoadContext } from '../context.js';

export function registerStart(program: Command, ctx: LoadContext): void {
  program
    .command('start')
    .description('run the sync; with no configuration, a demo: an embedded Exo company and a Numerik sandbox, kept in ./.exo-numerik')
    .action(async () => {
      const c = await ctx();
      const [{ ConfigError }, { prepareEmbeddedDb }, { runService }, { demoDirFor, runningService }] = await Promise.all([
        import('../../config/load.js'),
        import('../demo-database.js'),
        import('../run-service.js'),
        import('../running-service.js'),
      ]);
      const target = c.target();
      const demo = !c.config.numerik.apiUrl;
      if (target.client !== 'pglite') {
        if (demo) throw new ConfigError('numerik.apiUrl is not set (NUMERIK_API_URL): the demo runs only on the embedded database');
        // A real Exo database is migrated by its DBA (`exo-numerik migrate plan`, then `migrate up`), never on start.
        return runService(c, await c.openMigratedDb());
      }
      const running = runningService(target);
      if (running) throw new ConfigError(`exo-numerik already runs on this embedded database (pid ${running.pid}, ${running.url}/status)`);
      const db = await c.openDb({ create: true });
      try {
        await prepareEmbeddedDb(c, db, demo);
      } catch (error) {
        await db.close();
        throw error;
      }
      await runService(c, db, demo ? demoDirFor(target) : undefined);
    });
}
