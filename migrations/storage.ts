import type { Knex } from 'knex';
import type { UmzugStorage } from 'umzug';
import type { Db } from '../db/connect.js';
import { OBJECTS } from '../db/plugin/objects.js';

/**
 * What umzug hands every migration and the storage: the open transaction of the migration being
 * applied, so that its statements and its history row commit (or roll back) together.
 */
export interface MigrationContext {
  trx?: Knex.Transaction;
  checksums: Map<string, string>;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
  appliedAt: Date;
}

/** umzug's three-method storage contract, kept in X_NUMERIK_MIGRATIONS. */
export class PluginMigrationStorage implements UmzugStorage<MigrationContext> {
  constructor(private readonly db: Db) {}

  async logMigration({ name, context }: { name: string; context: MigrationContext }): Promise<void> {
    await this.finish(context, async (trx) => {
      await trx(`${this.db.target.schema}.${OBJECTS.migrations}`).insert({
        NAME: name,
        CHECKSUM: context.checksums.get(name) ?? '',
        APPLIED_AT: new Date(),
      });
    });
  }

  async unlogMigration({ name, context }: { name: string; context: MigrationContext }): Promise<void> {
    await this.finish(context, async (trx) => {
      // The first migration's down drops the history table itself: nothing is left to unlog.
      if (await this.db.dialect.tableExists(trx, OBJECTS.migrations)) {
        await trx(`${this.db.target.schema}.${OBJECTS.migrations}`).where({ NAME: name }).del();
      }
    });
  }

  async executed(): Promise<string[]> {
    return (await this.applied()).map((m) => m.name);
  }

  async applied(): Promise<AppliedMigration[]> {
    if (!(await this.db.dialect.tableExists(this.db.knex, OBJECTS.migrations))) return [];
    const rows = await this.db.table(OBJECTS.migrations).select('NAME', 'CHECKSUM', 'APPLIED_AT').orderBy('NAME');
    return rows.map((r: { NAME: string; CHECKSUM: string; APPLIED_AT: Date }) => ({
      name: r.NAME,
      checksum: r.CHECKSUM,
      appliedAt: r.APPLIED_AT,
    }));
  }

  private async finish(context: MigrationContext, record: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
    const trx = context.trx;
    context.trx = undefined;
    if (!trx) throw new Error('migration storage called outside a migration transaction');
    try {
      await record(trx);
      await trx.commit();
    } catch (error) {
      await trx.rollback().catch(() => undefined);
      throw error;
    }
  }
}
