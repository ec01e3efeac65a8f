import type { Knex } from 'knex';
import { lackedGrants, plainOr, postgresNeeds, type LackedGrants } from '../login-rights.js';
import type { DialectNames, GrantPart } from '../parts.js';
import { rowsOf } from './rows.js';

export function postgresGrants(names: DialectNames): GrantPart {
  const { schema, quote } = names;
  return {
    async loginRights(db) {
      const [r] = rowsOf<{ login: string; super: boolean; createrole: boolean; createdb: boolean; create_in_schema: boolean; delete_tasks: boolean | null }>(
        await db.raw(
          `SELECT current_user AS login, r.rolsuper AS super, r.rolcreaterole AS createrole, r.rolcreatedb AS createdb,
                  has_schema_privilege(?, 'CREATE') AS create_in_schema,
                  CASE WHEN NOT has_schema_privilege(?, 'USAGE') THEN NULL WHEN to_regclass(?) IS NULL THEN NULL
                       ELSE has_table_privilege(?, 'DELETE') END AS delete_tasks
             FROM pg_roles r WHERE r.rolname = current_user`,
          [schema, schema, `${quote(schema)}."TASKS"`, `${quote(schema)}."TASKS"`],
        ),
      );
      const wider = [
        r!.super && 'is a superuser',
        r!.createrole && 'may create roles',
        r!.createdb && 'may create databases',
        r!.create_in_schema && `may create objects in schema ${schema}`,
        r!.delete_tasks && 'may delete activities (DELETE on TASKS)',
      ].filter((w): w is string => Boolean(w));
      return { login: r!.login, wider, lacks: await postgresLacks(db, names, r!.login) };
    },
  };
}

/**
 * The GRANTs the current role lacks for each role (superusers pass every check). Tables are found in
 * the catalog, which every role may read; one that does not exist yet needs nothing. Changing TASKS
 * takes membership in its owning role.
 */
async function postgresLacks(db: Knex, { schema, quote }: DialectNames, login: string): Promise<LackedGrants> {
  const name = plainOr(quote, /^[a-z_][a-z0-9_]*$/);
  const needs = postgresNeeds();
  const relation = `(SELECT c.oid FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = ? AND c.relname = v.obj)`;
  const rows = rowsOf<{ n: number; granted: boolean | null }>(
    await db.raw(
      `SELECT v.n AS n, CASE v.kind
                WHEN 'schema' THEN has_schema_privilege(?, v.perm)
                WHEN 'table' THEN has_table_privilege(${relation}, v.perm)
                ELSE has_sequence_privilege(${relation}, v.perm) END AS granted
         FROM json_to_recordset(?::json) AS v(n int, kind text, obj text, perm text)`,
      [schema, schema, schema, JSON.stringify(needs.map((need, n) => ({ n, kind: need.on.kind, obj: 'name' in need.on ? need.on.name : null, perm: need.permission })))],
    ),
  );
  const missing = rows
    .filter((row) => row.granted === false)
    .sort((a, b) => a.n - b.n)
    .map((row) => needs[row.n]!);
  const to = ` TO ${name(login)}`;
  const lacks = lackedGrants(missing, (on, permissions) => {
    const what = permissions.join(', ');
    if (on.kind === 'schema' || on.kind === 'database') return `GRANT ${what} ON SCHEMA ${name(schema)}${to}`;
    return `GRANT ${what} ON ${on.kind === 'sequence' ? 'SEQUENCE ' : ''}${name(schema)}.${name(on.name)}${to}`;
  });
  const [owner] = rowsOf<{ owner: string; owns: boolean }>(
    await db.raw(
      `SELECT pg_get_userbyid(c.relowner) AS owner, pg_has_role(c.relowner, 'USAGE') AS owns
         FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = ? AND c.relname = 'TASKS'`,
      [schema],
    ),
  );
  if (owner && !owner.owns) lacks.migration.push(`GRANT ${name(owner.owner)}${to}`);
  return lacks;
}
