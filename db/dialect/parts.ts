import knexFactory, { type Knex } from 'knex';
import type { Dialect, Statement } from './dialect.js';
import { commonDdl } from './common-ddl.js';

/*
 * The concerns of `Dialect`, each written once per engine in a small file of mssql/ and postgres/:
 * a difference between the engines is found by what it is about, and the compiler checks that each
 * dialect, put together from its parts, still has every member.
 */

/** What every part builds its SQL from: the schema and the engine's quoting. */
export type DialectNames = Pick<Dialect, 'schema' | 'quote' | 'qualified'>;

/** DDL needs the engine's schema builder too (knex writes the CREATE TABLEs). */
export type DdlNames = DialectNames & { builder: Knex; toStatements(b: Knex.SchemaBuilder): Statement[] };

/** The DDL each engine spells its own way (common-ddl.ts has the rest). */
export type DdlPart = Pick<
  Dialect,
  | 'createKeyedTable'
  | 'tuneQueueTable'
  | 'storeUncompressed'
  | 'refuseWhileRows'
  | 'addColumn'
  | 'exoType'
  | 'ifTableExists'
  | 'literal'
  | 'now'
  | 'secondsSince'
  | 'ddlSession'
>;

export type TriggerPart = Pick<Dialect, 'captureTriggerUp' | 'captureTriggerDown' | 'captureTriggerNames'>;

/** The sync's own writes: the echo mark, a new Exo row's key, a raw result's rows. */
export type RuntimePart = Pick<Dialect, 'markEcho' | 'clearEcho' | 'insertReturningKey' | 'rows'>;

/** Who works on a row or record: claims of work rows and their leases, record and row locks. */
export type ClaimPart = Pick<Dialect, 'claim' | 'nowPlusMs' | 'lockRecord' | 'lockedRows'>;

export type ErrorPart = Pick<Dialect, 'isLockTimeout' | 'isUniqueViolation' | 'permanentError' | 'explainConnectionError'>;

export type CatalogPart = Pick<Dialect, 'tableExists' | 'columns' | 'triggers' | 'catalog' | 'codePage' | 'serverTime'>;

export type GrantPart = Pick<Dialect, 'loginRights'>;

/** One engine: its knex client, its quoting, and its part of each concern. */
export interface Engine extends Pick<Dialect, 'name' | 'parserMode' | 'quote'> {
  client: 'mssql' | 'pg';
  ddl(names: DdlNames): DdlPart;
  triggers(names: DialectNames): TriggerPart;
  runtime(names: DialectNames): RuntimePart;
  claims(names: DialectNames): ClaimPart;
  errors: ErrorPart;
  catalog(names: DialectNames): CatalogPart;
  grants(names: DialectNames): GrantPart;
}

export function dialectOf(engine: Engine, schema: string): Dialect {
  const builder = knexFactory({ client: engine.client });
  const { quote } = engine;
  const names: DialectNames = { schema, quote, qualified: (name) => `${quote(schema)}.${quote(name)}` };
  const { toStatements, ...shared } = commonDdl(builder, schema, names.qualified, quote);
  return {
    name: engine.name,
    parserMode: engine.parserMode,
    builder,
    ...names,
    ...shared,
    ...engine.ddl({ ...names, builder, toStatements }),
    ...engine.triggers(names),
    ...engine.runtime(names),
    ...engine.claims(names),
    ...engine.errors,
    ...engine.catalog(names),
    ...engine.grants(names),
  };
}
