import type { Db } from '../../db/connect.js';

/**
 * Faults a DBA or an Exo upgrade could cause, written per engine on purpose: these tests are about
 * noticing them, and each engine spells them its own way.
 */
export async function disableTrigger(db: Db, trigger: string): Promise<void> {
  const { dialect } = db;
  const sql =
    dialect.name === 'mssql'
      ? `DISABLE TRIGGER ${dialect.qualified(trigger)} ON ${dialect.qualified('TASKS')}`
      : `ALTER TABLE ${dialect.qualified('TASKS')} DISABLE TRIGGER ${dialect.quote(trigger)}`;
  await db.knex.raw(sql);
}

export async function dropTrigger(db: Db, trigger: string): Promise<void> {
  const { dialect } = db;
  const sql =
    dialect.name === 'mssql'
      ? `DROP TRIGGER ${dialect.qualified(trigger)}`
      : `DROP TRIGGER ${dialect.quote(trigger)} ON ${dialect.qualified('TASKS')}`;
  await db.knex.raw(sql);
}
