import type { DdlNames, DdlPart } from '../parts.js';
import { literalText } from '../common-ddl.js';

export function mssqlDdl({ schema, quote, qualified, builder, toStatements }: DdlNames): DdlPart {
  return {
    createKeyedTable(table) {
      return [
        {
          sql:
            `CREATE SEQUENCE ${qualified(table.sequence)} AS bigint START WITH 1 INCREMENT BY 1 CACHE 100`,
        },
        ...toStatements(
          builder.schema.withSchema(schema).createTable(table.name, (t) => {
            t.bigInteger(table.key).notNullable();
            table.build(t);
            t.primary([table.key], { constraintName: `${table.name}_PK` });
          }),
        ),
        // A sequence, not IDENTITY: rows inserted by the TASKS trigger must leave @@IDENTITY alone.
        {
          sql:
            `ALTER TABLE ${qualified(table.name)} ADD CONSTRAINT ${quote(`${table.name}_${table.key}_DF`)} ` +
            `DEFAULT (NEXT VALUE FOR ${qualified(table.sequence)}) FOR ${quote(table.key)}`,
        },
      ];
    },

    tuneQueueTable(name) {
      // The trigger inserts into the queue inside Exo's own transactions: a table lock from lock
      // escalation during a purge would block every Exo save.
      return [{ sql: `ALTER TABLE ${qualified(name)} SET (LOCK_ESCALATION = DISABLE)` }];
    },

    refuseWhileRows(table, message) {
      return [{ sql: `IF EXISTS (SELECT 1 FROM ${qualified(table)}) THROW 50000, N'${literalText(message)}', 1` }];
    },

    storeUncompressed() {
      // nvarchar(max) is stored as it is unless a DBA turns compression on.
      return [];
    },

    addColumn(table, column, type) {
      return { sql: `ALTER TABLE ${qualified(table)} ADD ${quote(column)} ${type} NULL` };
    },

    exoType(tsqlType, options) {
      return options?.identity ? `${tsqlType} IDENTITY(1,1)` : tsqlType;
    },

    ifTableExists(table, sql) {
      return { sql: `IF OBJECT_ID(N'${schema}.${table}', N'U') IS NOT NULL ${sql}` };
    },

    literal(value) {
      if (value === null) return 'NULL';
      if (typeof value === 'number') return String(value);
      return `N'${value.replace(/'/g, "''")}'`;
    },

    now() {
      return 'SYSUTCDATETIME()';
    },

    secondsSince(expression) {
      return `DATEDIFF_BIG(millisecond, ${expression}, SYSUTCDATETIME()) / 1000.0`;
    },

    ddlSession() {
      return { begin: [{ sql: 'SET LOCK_TIMEOUT 5000' }], end: [{ sql: 'SET LOCK_TIMEOUT -1' }] };
    },
  };
}
