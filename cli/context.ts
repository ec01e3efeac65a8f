import { existsSync } from 'node:fs';
import { ConfigError, DEFAULT_CONFIG_FILE, ENV_KEYS, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { migrationTarget, resolveTarget } from '../db/target.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { migrationOptions } from '../config/schema.js';
import type { NumerikClient } from '../sync/numerik/client.js';
import type { OptionsSource } from '../sync/options-source.js';
import { SANDBOX_TOKEN } from '../sandbox/token.js';
import { demoDirFor, runningService, type RunningService } from './running-service.js';

/** What every command needs, built from the global options (loaded only by a command that needs it). */
export type LoadContext = () => Promise<CliContext>;

/** What every command needs, built from the global options. */
export class CliContext {
  private cachedConfig?: Config;
  private cachedLogger?: Logger;

  constructor(private readonly globalOptions: { config?: string }) {}

  get logger(): Logger {
    this.cachedLogger ??= createLogger();
    return this.cachedLogger;
  }

  get config(): Config {
    this.cachedConfig ??= loadConfig({ file: this.globalOptions.config });
    return this.cachedConfig;
  }

  target() {
    return resolveTarget(this.config.database);
  }

  /**
   * The Exo database. The demo's embedded one belongs to the running demo (PGlite is one process's):
   * opening it beside the demo is refused with what to do instead.
   */
  openDb(options: { create?: boolean } = {}): Promise<Db> {
    const target = this.target();
    const holder = runningService(target);
    if (holder && holder.pid !== process.pid) {
      return Promise.reject(new ConfigError(`the demo (pid ${holder.pid}) holds the embedded database in ${demoDirFor(target)}: stop it first (Ctrl+C where \`npm start\` runs); \`status\`, \`retry\` and \`settings\` work while it runs`));
    }
    // PGlite makes its folder on opening: only the commands that set an embedded database up may.
    if (target.client === 'pglite' && target.dataDir && !options.create && !existsSync(target.dataDir)) return Promise.reject(new ConfigError(this.noDatabase(target.dataDir)));
    return import('../db/connect.js').then(({ connect }) => connect(target, { logger: this.logger }));
  }

  /** Why there is no database to open: no configuration at all, or an embedded one not made yet. */
  private noDatabase(dataDir: string): string {
    const configured = this.globalOptions.config ?? process.env.EXO_NUMERIK_CONFIG ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
    const databaseEnv = Object.entries(ENV_KEYS).some(([name, [section]]) => section === 'database' && process.env[name]);
    if (!configured && !databaseEnv) {
      return `no configuration in ${process.cwd()} (no ${DEFAULT_CONFIG_FILE}, --config, EXO_NUMERIK_CONFIG or EXO_DB_* variable) and no demo database: run it in the folder of exo-numerik.config.json, or \`exo-numerik start\` here for the demo`;
    }
    return `the embedded database ${dataDir} does not exist yet: \`exo-numerik migrate up\` makes it (or \`start\`, which also runs the service)`;
  }

  /** The running demo that holds the embedded database, if any (not this process). */
  demoRunning(): RunningService | undefined {
    const holder = runningService(this.target());
    return holder && holder.pid !== process.pid ? holder : undefined;
  }

  /** The database through the migration login (database.migrationUser), when one is configured. */
  async openMigrationDb(options: { create?: boolean } = {}): Promise<Db> {
    const { database } = this.config;
    if (!database.migrationUser) return this.openDb(options);
    const { connect } = await import('../db/connect.js');
    return connect(migrationTarget(database), { logger: this.logger });
  }

  /** A database whose exo-numerik migrations are all applied; anything else is a clear error. */
  async openMigratedDb(): Promise<Db> {
    const db = await this.openDb();
    const { Migrator } = await import('../migrations/runner.js');
    const pending = await new Migrator(db, { options: migrationOptions(this.config) }).pendingNames().catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
    if (pending.length) {
      await db.close();
      throw new ConfigError(`${pending.length} migration(s) pending (${pending.join(', ')}): run \`exo-numerik migrate up\` first`);
    }
    return db;
  }

  /**
   * Makes Numerik clients; a missing setting is said when one is made, not before. A wait Numerik
   * asks for is said with `onWait`: by default a line on stderr, for a person at a command.
   */
  async numerikClients(onWait: (text: string) => void = (text) => console.error(text)): Promise<() => NumerikClient> {
    const { NumerikClient } = await import('../sync/numerik/client.js');
    return () => {
      const { apiUrl, token } = this.config.numerik;
      const demo = apiUrl ? undefined : this.demoRunning();
      // In the demo's folder, the demo's own Numerik is the one meant.
      if (demo) return new NumerikClient({ baseUrl: demo.sandboxUrl, token: SANDBOX_TOKEN, logger: this.logger, onWait });
      if (!apiUrl) throw new ConfigError(`numerik.apiUrl is not set (NUMERIK_API_URL)${demoDirFor(this.target()) ? '; without it `npm start` runs the demo, with its own Numerik sandbox' : ''}`);
      if (!token) throw new ConfigError('numerik.token is not set (NUMERIK_TOKEN)');
      return new NumerikClient({ baseUrl: apiUrl, token, logger: this.logger, onWait });
    };
  }

  async numerikClient(onWait?: (text: string) => void): Promise<NumerikClient> {
    return (await this.numerikClients(onWait))();
  }

  async syncOptions(db: Db): Promise<OptionsSource> {
    return (await import('../sync/options-source.js')).optionsSource(db, this.config.sync, this.logger);
  }

  async withDb<T>(work: (db: Db) => Promise<T>, open: () => Promise<Db> = () => this.openDb()): Promise<T> {
    const db = await open();
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  }
}
