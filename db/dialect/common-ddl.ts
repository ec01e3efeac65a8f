import type { Knex } from 'knex';
import type { Dialect, KeyedTable, Statement } from './dialect.js';

/** DDL spelled the same on both engines once names are quoted; each dialect adds what differs. */
export function commonDdl(
  builder: Knex,
  schema: string,
  qualified: (name: string) => string,
  quote: (id: string) => string,
): Pick<Dialect, 'createTable' | 'alterTable' | 'dropTable' | 'dropKeyedTable' | 'dropColumn'> & { toStatements(b: Knex.SchemaBuilder): Statement[] } {
  const toStatements = (b: Knex.SchemaBuilder): Statement[] => b.toSQL().map((s) => ({ sql: s.sql }));
  const dropTable = (name: string): Statement => ({ sql: `DROP TABLE ${qualified(name)}` });
  return {
    toStatements,
    createTable: (name, build) => toStatements(builder.schema.withSchema(schema).createTable(name, build)),
    alterTable: (name, build) => toStatements(builder.schema.withSchema(schema).alterTable(name, build)),
    dropTable,
    dropKeyedTable: (table: KeyedTable) => [dropTable(table.name), { sql: `DROP SEQUENCE ${qualified(table.sequence)}` }],
    dropColumn: (table, column) => ({ sql: `ALTER TABLE ${qualified(table)} DROP COLUMN ${quote(column)}` }),
  };
}

/** Our own text as a SQL literal: it is written here, so a quote or a dollar in it is a bug, said at once. */
export function literalText(text: string): string {
  if (/['$]/.test(text)) throw new Error(`a message in a migration must not contain ' or $: ${text}`);
  return text;
}
