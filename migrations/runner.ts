import type { Knex } from 'knex';
import type { Umzug } from 'umzug';
import type { Db } from '../db/connect.js';
import type { Statement } from '../db/dialect/dialect.js';
import { checkExoSchema } from '../db/exo/check.js';
import { DEFAULT_MIGRATION_OPTIONS, type Migration, type MigrationOptions } from './migration.js';
import { plan, type Direction, type PlannedMigration } from './plan.js';
import { MIGRATIONS } from './steps/index.js';
import { PluginMigrationStorage, type AppliedMigration, type MigrationContext } from './storage.js';

/** A migration failed; its transaction was rolled back, so none of it is applied. */
export class MigrationFailedError extends Error {
  override name = 'MigrationFailedError';
  constructor(
    readonly migration: string,
    readonly statement: Statement,
    override readonly cause: unknown,
  ) {
    super(`${migration} failed and was rolled back (nothing of it is applied): ${ownReason(cause, statement).split('\n')[0]}`);
  }
}

/** The engine's reason, without the statement knex puts before it ("<sql> - <reason>"): the cause comes first. */
function ownReason(cause: unknown, statement: Statement): string {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const prefix = `${statement.sql} - `;
  return reason.startsWith(prefix) ? reason.slice(prefix.length) : reason;
}

export interface MigratorOptions {
  migrations?: readonly Migration[];
  options?: MigrationOptions;
  /** Told before each migration runs, for progress output. */
  onMigration?: (m: PlannedMigration) => void;
}

/** knex turns every `?` into a parameter (SQL Server: even in literals); DDL has none. */
const escapeMarks = (sql: string) => sql.replace(/\?/g, '\\?');

export class Migrator {
  readonly migrations: readonly Migration[];
  readonly options: MigrationOptions;
  private readonly storage: PluginMigrationStorage;

  constructor(
    private readonly db: Db,
    private readonly settings: MigratorOptions = {},
  ) {
    this.migrations = settings.migrations ?? MIGRATIONS;
    this.options = settings.options ?? DEFAULT_MIGRATION_OPTIONS;
    this.storage = new PluginMigrationStorage(db);
  }

  plan(direction: Direction, names?: readonly string[]): PlannedMigration[] {
    const chosen = names ? this.migrations.filter((m) => names.includes(m.name)) : this.migrations;
    return plan(this.db.dialect, this.options, chosen, direction);
  }

  applied(): Promise<AppliedMigration[]> {
    return this.storage.applied();
  }

  /** What is not applied yet, by name only: cheap enough for every start of a worker. */
  async pendingNames(): Promise<string[]> {
    const applied = new Set(await this.storage.executed());
    return this.migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
  }

  async pending(): Promise<PlannedMigration[]> {
    const applied = new Set(await this.storage.executed());
    return this.plan('up', this.migrations.filter((m) => !applied.has(m.name)).map((m) => m.name));
  }

  /** The migrations `down` would revert: the last one, down to and including `to`, or all. */
  async toRevert(target: { to?: string; all?: boolean } = {}): Promise<PlannedMigration[]> {
    const applied = await this.storage.executed();
    if (target.to && !applied.includes(target.to)) throw new Error(`migration ${target.to} is not applied`);
    const from = target.all ? 0 : target.to ? applied.indexOf(target.to) : Math.max(applied.length - 1, 0);
    return this.plan('down', applied.slice(from));
  }

  /** Applies what is pending. Checks Exo's schema and guards every statement before anything runs. */
  async up(): Promise<string[]> {
    await checkExoSchema(this.db);
    const pending = await this.pending();
    await (await this.umzug(pending)).up({ migrations: pending.map((m) => m.name) }).catch(unwrap);
    return pending.map((m) => m.name);
  }

  async down(target: { to?: string; all?: boolean } = {}): Promise<string[]> {
    const reverting = await this.toRevert(target);
    for (const planned of reverting) await this.migrations.find((m) => m.name === planned.name)?.beforeDown?.run(this.db);
    await (await this.umzug(reverting)).down({ migrations: reverting.map((m) => m.name) }).catch(unwrap);
    return reverting.map((m) => m.name);
  }

  // Loaded only to apply or revert: a service checking for pending migrations has no use for umzug's CLI dependencies.
  private async umzug(planned: PlannedMigration[]): Promise<Umzug<MigrationContext>> {
    const { Umzug } = await import('umzug');
    const context: MigrationContext = { checksums: new Map(planned.map((m) => [m.name, m.checksum])) };
    const byName = new Map(planned.map((m) => [m.name, m]));
    const step = (name: string) => async () => {
      const m = byName.get(name)!;
      this.settings.onMigration?.(m);
      context.trx = await this.run(m);
    };
    return new Umzug<MigrationContext>({
      migrations: planned.map((m) => ({ name: m.name, up: step(m.name), down: step(m.name) })),
      context: () => context,
      storage: this.storage,
      logger: undefined,
    });
  }

  /** Runs a migration's statements in a new transaction and leaves it open for the storage to commit. */
  private async run(m: PlannedMigration): Promise<Knex.Transaction> {
    const trx = await this.db.knex.transaction();
    const session = this.db.dialect.ddlSession();
    for (const statement of [...session.begin, ...m.statements, ...session.end]) {
      try {
        if (statement.when && !(await this.db.dialect.tableExists(trx, statement.when.tableExists))) continue;
        await trx.raw(escapeMarks(statement.sql));
      } catch (error) {
        for (const reset of session.end) await trx.raw(reset.sql).catch(() => undefined);
        await trx.rollback().catch(() => undefined);
        throw new MigrationFailedError(m.name, statement, error);
      }
    }
    return trx;
  }
}

function unwrap(error: unknown): never {
  const cause = (error as { cause?: unknown }).cause;
  throw cause instanceof Error ? cause : error;
}
