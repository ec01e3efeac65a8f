import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { OBJECTS } from './objects.js';

/** X_NUMERIK_SETTINGS: one JSON value per key, editable while the service runs. */
export async function readSettings(db: Db): Promise<Record<string, unknown>> {
  const rows: { SETTING_KEY: string; SETTING_VALUE: string }[] = await db.table(OBJECTS.settings).select('SETTING_KEY', 'SETTING_VALUE');
  return Object.fromEntries(rows.map((r) => [r.SETTING_KEY, JSON.parse(r.SETTING_VALUE) as unknown]));
}

export async function writeSetting(db: Db, key: string, value: unknown, by: string, trx?: Knex.Transaction): Promise<void> {
  const table = () => (trx ?? db.knex)(`${db.target.schema}.${OBJECTS.settings}`);
  const row = { SETTING_VALUE: JSON.stringify(value), UPDATED_AT: new Date(), UPDATED_BY: by };
  const updated = await table().where({ SETTING_KEY: key }).update(row);
  if (!updated) await table().insert({ SETTING_KEY: key, ...row });
}

export async function deleteSetting(db: Db, key: string): Promise<void> {
  await db.table(OBJECTS.settings).where({ SETTING_KEY: key }).del();
}
