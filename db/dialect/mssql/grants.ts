import type { Knex } from 'knex';
import { ALWAYS_THERE, lackedGrants, mssqlNeeds, plainOr, type LackedGrants, type Right, type Securable } from '../login-rights.js';
import type { DialectNames, GrantPart } from '../parts.js';

export function mssqlGrants(names: DialectNames): GrantPart {
  const { schema, quote } = names;
  return {
    async loginRights(db) {
      const tasks = `${quote(schema)}.[TASKS]`;
      const [r] = (await db.raw(
        `SELECT SUSER_SNAME() AS login, USER_NAME() AS db_user, IS_SRVROLEMEMBER('sysadmin') AS sysadmin, IS_ROLEMEMBER('db_owner') AS dbo,
                IS_ROLEMEMBER('db_ddladmin') AS ddladmin, HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', 'CREATE TABLE') AS create_table,
                HAS_PERMS_BY_NAME(?, 'OBJECT', 'DELETE') AS delete_tasks`,
        [tasks],
      )) as { login: string; db_user: string; sysadmin: number | null; dbo: number | null; ddladmin: number | null; create_table: number | null; delete_tasks: number | null }[];
      const wider = [
        r!.sysadmin === 1 && 'is a sysadmin',
        r!.dbo === 1 && 'is in db_owner',
        r!.ddladmin === 1 && 'is in db_ddladmin',
        r!.create_table === 1 && 'may create tables',
        r!.delete_tasks === 1 && 'may delete activities (DELETE on TASKS)',
      ].filter((w): w is string => Boolean(w));
      // A sysadmin or the database's owner passes every permission check.
      if (r!.sysadmin === 1 || r!.dbo === 1) return { login: r!.login, wider, lacks: { sync: [], migration: [] } };
      return { login: r!.login, wider, lacks: await mssqlLacks(db, names, r!.db_user) };
    },
  };
}

/**
 * The GRANTs a login (its database user `grantee`) lacks for each role, read with HAS_PERMS_BY_NAME
 * (effective rights: roles and schema grants count). A login sees no metadata of a table it has no
 * right on (OBJECT_ID is NULL), so a table that may be missing (EXTRA_FIELDS on an older Exo,
 * X_NUMERIK_* before `migrate up`) and is not visible is looked for by reading it: error 208 (no
 * such object) means it needs nothing yet; 229 (permission denied) means it is there.
 */
async function mssqlLacks(db: Knex, { schema, quote, qualified }: DialectNames, grantee: string): Promise<LackedGrants> {
  const needs = mssqlNeeds();
  const classOf = (on: Securable) => (on.kind === 'database' ? 'DATABASE' : on.kind === 'schema' ? 'SCHEMA' : 'OBJECT');
  const securable = (on: Securable) => (on.kind === 'table' || on.kind === 'sequence' ? qualified(on.name) : on.kind === 'schema' ? quote(schema) : null);
  const rows = (await db.raw(
    `SELECT v.n AS n, HAS_PERMS_BY_NAME(COALESCE(v.securable, DB_NAME()), v.class, v.perm) AS granted,
            CASE WHEN v.class = 'OBJECT' AND OBJECT_ID(v.securable) IS NULL THEN 0 ELSE 1 END AS visible
       FROM (VALUES ${needs.map(() => '(?, ?, ?, ?)').join(', ')}) AS v(n, class, securable, perm)`,
    needs.flatMap((need, n) => [n, classOf(need.on), securable(need.on), need.permission]),
  )) as { n: number; granted: number | null; visible: number }[];
  const there = new Map<string, Promise<boolean>>();
  const exists = (name: string) => {
    if (!there.has(name)) {
      there.set(
        name,
        db.raw(`SELECT TOP 0 1 AS present FROM ${qualified(name)}`).then(
          () => true,
          (error: unknown) => (error as { number?: number }).number !== 208,
        ),
      );
    }
    return there.get(name)!;
  };
  const missing: Right[] = [];
  for (const row of rows.sort((a, b) => a.n - b.n)) {
    const need = needs[row.n]!;
    if (row.granted === 1) continue;
    if (need.on.kind === 'table' && !row.visible && !ALWAYS_THERE.has(need.on.name) && !(await exists(need.on.name))) continue;
    missing.push(need);
  }
  const name = plainOr(quote, /^[A-Za-z_][A-Za-z0-9_]*$/);
  const to = ` TO ${name(grantee)}`;
  return lackedGrants(missing, (on, permissions) => {
    const what = permissions.join(', ');
    if (on.kind === 'database') return `GRANT ${what}${to}`;
    if (on.kind === 'schema') return `GRANT ${what} ON SCHEMA::${name(schema)}${to}`;
    return `GRANT ${what} ON ${name(schema)}.${name(on.name)}${to}`;
  });
}
