import type { Db } from '../db/connect.js';
import type { CatalogObject } from '../db/dialect/dialect.js';
import type { Effect } from './guard/index.js';
import type { Migrator } from './runner.js';
import type { AppliedMigration } from './storage.js';

export interface DriftProblem {
  object: string;
  problem: string;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: string[];
  /** Applied by a newer exo-numerik than this one. */
  unknown: string[];
  drift: DriftProblem[];
}

type Expected = Required<Pick<Effect, 'kind' | 'name'>> & { table?: string };

const key = (o: { kind: string; name: string; table?: string }) => `${o.kind}:${(o.table ?? '').toUpperCase()}:${o.name.toUpperCase()}`;

function describe(o: Expected): string {
  return o.table ? `${o.kind} ${o.name} on ${o.table}` : `${o.kind} ${o.name}`;
}

/** The objects the applied migrations must have left, folded from what the guard proved each statement does. */
function expectedObjects(effectsInOrder: Effect[]): Expected[] {
  const expected = new Map<string, Expected>();
  for (const e of effectsInOrder) {
    if (e.kind === 'row' || e.action === 'alter' || e.action === 'write' || e.action === 'check') continue;
    const object: Expected = { kind: e.kind, name: e.name, table: e.kind === 'table' || e.kind === 'sequence' || e.kind === 'function' ? undefined : e.table };
    if (e.action === 'create') expected.set(key(object), object);
    else expected.delete(key(object));
  }
  return [...expected.values()];
}

/**
 * Applied, pending, and drift: an expected X_NUMERIK_* object or trigger that is missing or
 * disabled (an Exo upgrade or a DBA may drop or disable triggers), or a migration whose statements
 * changed after it was applied.
 */
export async function migrationStatus(db: Db, migrator: Migrator): Promise<MigrationStatus> {
  const applied = await migrator.applied();
  const appliedNames = new Set(applied.map((a) => a.name));
  const known = new Map(migrator.plan('up').map((m) => [m.name, m]));
  const drift: DriftProblem[] = [];
  const effects: Effect[] = [];
  for (const a of applied) {
    const planned = known.get(a.name);
    if (!planned) continue;
    effects.push(...planned.effects);
    if (planned.checksum !== a.checksum) drift.push({ object: `migration ${a.name}`, problem: 'its statements changed after it was applied' });
  }
  const catalog = await db.dialect.catalog(db.knex);
  const present = new Map<string, CatalogObject>(catalog.map((o) => [key(o), o]));
  for (const object of expectedObjects(effects)) {
    const found = present.get(key(object));
    if (!found) drift.push({ object: describe(object), problem: 'missing' });
    else if (object.kind === 'trigger' && found.detail.startsWith('disabled')) drift.push({ object: describe(object), problem: 'disabled' });
  }
  return {
    applied,
    pending: migrator.migrations.filter((m) => !appliedNames.has(m.name)).map((m) => m.name),
    unknown: applied.filter((a) => !known.has(a.name)).map((a) => a.name),
    drift,
  };
}
