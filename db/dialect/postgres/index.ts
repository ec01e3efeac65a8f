import type { Dialect } from '../dialect.js';
import { dialectOf } from '../parts.js';
import { postgresCatalog } from './catalog.js';
import { postgresClaims } from './claims.js';
import { postgresDdl } from './ddl.js';
import { postgresErrors } from './errors.js';
import { postgresGrants } from './grants.js';
import { postgresRuntime } from './runtime.js';
import { postgresTriggers } from './triggers.js';

/**
 * PostgreSQL 15+ and PGlite: the stand-in for SQL Server on machines without one. Statement-level
 * triggers with transition tables give the same set-based capture as SQL Server's inserted/deleted.
 */
export function postgresDialect(schema: string): Dialect {
  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const parts = { ddl: postgresDdl, triggers: postgresTriggers, runtime: postgresRuntime, claims: postgresClaims, errors: postgresErrors, catalog: postgresCatalog, grants: postgresGrants };
  return dialectOf({ name: 'postgres', parserMode: 'postgresql', client: 'pg', quote, ...parts }, schema);
}
