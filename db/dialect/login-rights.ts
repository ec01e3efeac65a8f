import { REQUIRED_TABLES, TASKS } from '../exo/tasks.js';
import { OBJECTS } from '../plugin/objects.js';

/**
 * The rights each login needs, as README "SQL Server rights" lists them: the sync login reads and
 * writes rows (TASKS, the lookups, X_NUMERIK_*), the migration login changes the schema. Each
 * dialect asks its server which of them a login lacks, and words the GRANT a DBA would run.
 */
export type Securable = { kind: 'database' } | { kind: 'schema' } | { kind: 'table'; name: string } | { kind: 'sequence'; name: string };

export interface Right {
  role: 'sync' | 'migration';
  on: Securable;
  permission: string;
}

/** The GRANTs each role still lacks, one statement per securable, in the order of the needs. */
export interface LackedGrants {
  sync: string[];
  migration: string[];
}

/** Exo's tables the sync reads besides TASKS (lookups and the accounts an activity names). */
const SYNC_READS = ['STAFF', 'TASK_TYPES', 'TASK_STATUSES', 'DR_ACCS', 'CR_ACCS', 'PROSPECTS'];
/** Exo's tables the migrations' pre-flight check reads. */
const MIGRATION_READS = REQUIRED_TABLES;
/** Tables every Exo database has (the pre-flight check refuses one without them); others may be missing. */
export const ALWAYS_THERE = new Set([TASKS, ...REQUIRED_TABLES]);
const ours = Object.values(OBJECTS);
export const OUR_TABLES = ours.filter((name) => !name.endsWith('_SEQ') && name !== OBJECTS.captureTrigger);
export const OUR_SEQUENCES = ours.filter((name) => name.endsWith('_SEQ'));

const table = (name: string): Securable => ({ kind: 'table', name });
const each = (role: Right['role'], on: Securable, permissions: string[]): Right[] => permissions.map((permission) => ({ role, on, permission }));

/** SQL Server: what README "SQL Server rights" grants each login. */
export function mssqlNeeds(): Right[] {
  return [
    ...each('sync', table('TASKS'), ['SELECT', 'INSERT', 'UPDATE']),
    ...SYNC_READS.flatMap((name) => each('sync', table(name), ['SELECT'])),
    ...OUR_TABLES.flatMap((name) => each('sync', table(name), ['SELECT', 'INSERT', 'UPDATE', 'DELETE'])),
    ...each('migration', { kind: 'database' }, ['CREATE TABLE']),
    ...each('migration', { kind: 'schema' }, ['ALTER', 'CREATE SEQUENCE', 'VIEW DEFINITION']),
    ...each('migration', table('TASKS'), ['ALTER', 'SELECT']),
    ...each('migration', table('EXTRA_FIELDS'), ['SELECT', 'INSERT', 'DELETE']),
    ...MIGRATION_READS.flatMap((name) => each('migration', table(name), ['SELECT'])),
  ];
}

/**
 * PostgreSQL: the same roles. Adding a column or a trigger to TASKS takes its owner, so the
 * migration login needs membership in TASKS's owning role (checked apart); nextval needs USAGE.
 */
export function postgresNeeds(): Right[] {
  return [
    ...each('sync', { kind: 'schema' }, ['USAGE']),
    ...each('sync', table('TASKS'), ['SELECT', 'INSERT', 'UPDATE']),
    ...SYNC_READS.flatMap((name) => each('sync', table(name), ['SELECT'])),
    ...OUR_TABLES.flatMap((name) => each('sync', table(name), ['SELECT', 'INSERT', 'UPDATE', 'DELETE'])),
    ...OUR_SEQUENCES.flatMap((name) => each('sync', { kind: 'sequence', name }, ['USAGE'])),
    ...each('migration', { kind: 'schema' }, ['USAGE', 'CREATE']),
    ...each('migration', table('EXTRA_FIELDS'), ['SELECT', 'INSERT', 'DELETE']),
    ...MIGRATION_READS.flatMap((name) => each('migration', table(name), ['SELECT'])),
  ];
}

/** The missing rights as GRANT statements, one per role and securable, permissions in need order. */
export function lackedGrants(missing: Right[], grant: (on: Securable, permissions: string[]) => string): LackedGrants {
  const result: LackedGrants = { sync: [], migration: [] };
  const bySecurable = new Map<string, { role: Right['role']; on: Securable; permissions: string[] }>();
  for (const right of missing) {
    const key = `${right.role} ${JSON.stringify(right.on)}`;
    const entry = bySecurable.get(key) ?? { role: right.role, on: right.on, permissions: [] };
    entry.permissions.push(right.permission);
    bySecurable.set(key, entry);
  }
  for (const { role, on, permissions } of bySecurable.values()) result[role].push(grant(on, permissions));
  return result;
}

/** A name as a DBA would type it: bare when `plain` (the engine's own spelling of it) holds, else quoted. */
export const plainOr = (quote: (name: string) => string, plain: RegExp) => (name: string) => (plain.test(name) ? name : quote(name));
