import type { Dialect } from '../dialect.js';
import { dialectOf } from '../parts.js';
import { mssqlCatalog } from './catalog.js';
import { mssqlClaims } from './claims.js';
import { mssqlDdl } from './ddl.js';
import { mssqlErrors } from './errors.js';
import { mssqlGrants } from './grants.js';
import { mssqlRuntime } from './runtime.js';
import { mssqlTriggers } from './triggers.js';

/**
 * SQL Server 2016+ (SESSION_CONTEXT, CURRENT_TRANSACTION_ID). Statements are written for a DBA:
 * bracketed, schema-qualified, one object per statement, and readable in a .sql script.
 */
export function mssqlDialect(schema: string): Dialect {
  const quote = (id: string) => `[${id.replace(/]/g, ']]')}]`;
  const parts = { ddl: mssqlDdl, triggers: mssqlTriggers, runtime: mssqlRuntime, claims: mssqlClaims, errors: mssqlErrors, catalog: mssqlCatalog, grants: mssqlGrants };
  return dialectOf({ name: 'mssql', parserMode: 'transactsql', client: 'mssql', quote, ...parts }, schema);
}
