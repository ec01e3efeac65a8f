import { randomBytes } from 'node:crypto';
import { connect, dbOver, type Db } from '../db/connect.js';
import { resolveTarget, type DbTarget } from '../db/target.js';
import { dropSchema } from '../test/support/targets.js';

export const DEFAULT_BENCH_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The engines a bench runs on: the PostgreSQL server, embedded PGlite, and SQL Server when configured. */
export function benchTargets(): { name: string; target: DbTarget }[] {
  const targets: { name: string; target: DbTarget }[] = [
    { name: 'postgres', target: { client: 'postgres', url: process.env.EXO_BENCH_PG_URL ?? process.env.EXO_TEST_PG_URL ?? DEFAULT_BENCH_PG_URL, schema: 'public' } },
    { name: 'pglite', target: { client: 'pglite', schema: 'public' } },
  ];
  if (process.env.EXO_TEST_MSSQL_URL) targets.push({ name: 'mssql', target: resolveTarget({ url: process.env.EXO_TEST_MSSQL_URL, schema: 'dbo' }) });
  return targets;
}

/** An open engine handing out scratch schemas, all dropped by `close`. */
export async function openEngine(target: DbTarget) {
  const base = await connect(target);
  const schemas: Db[] = [];
  return {
    base,
    async schema(): Promise<Db> {
      const name = `bench_${randomBytes(4).toString('hex')}`;
      await base.knex.raw(`CREATE SCHEMA ${base.dialect.quote(name)}`);
      const db = dbOver(base.knex, { ...base.target, schema: name }, async () => undefined);
      schemas.push(db);
      return db;
    },
    async close() {
      for (const db of schemas) await dropSchema(db).catch(() => undefined);
      await base.close();
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value below which `p` per cent of `values` fall. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
