import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Dialect } from './dialect/dialect.js';
import { mssqlDialect } from './dialect/mssql/index.js';
import { withoutData } from './dialect/error-cause.js';
import { postgresDialect } from './dialect/postgres/index.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { describeTarget, type DbTarget, type MssqlTarget } from './target.js';

/** An open database: knex, the dialect that knows the engine, and where it points. */
export interface Db {
  readonly knex: Knex;
  readonly dialect: Dialect;
  readonly target: DbTarget;
  /** A query builder on one of the schema's tables (`[dbo].[TASKS]`, `"public"."TASKS"`). */
  table(name: string): Knex.QueryBuilder;
  /** A parameterised raw query, its rows whatever the engine. */
  query<T>(sql: string, bindings?: readonly Knex.RawBinding[], trx?: Knex.Transaction): Promise<T[]>;
  close(): Promise<void>;
}

/** The database cannot be used at all: unreachable, login refused, missing database. One line. */
export class DbUnavailableError extends Error {
  override name = 'DbUnavailableError';
}

/**
 * Exo's DATETIME columns hold wall-clock times of the Exo site, without offset. Everywhere in this
 * code such a value travels as a Date whose UTC fields ARE the wall-clock fields, so no engine or
 * machine time zone ever shifts it; `sync/mapping` converts with the configured IANA zone.
 */
const parseWallClock = (text: string) => new Date(text.replace(' ', 'T') + 'Z');

export function dialectFor(target: DbTarget): Dialect {
  return target.client === 'mssql' ? mssqlDialect(target.schema) : postgresDialect(target.schema);
}

/** A Db over an open knex; `close` is what closing it does (another schema's view may share the knex). */
export function dbOver(knex: Knex, target: DbTarget, close: () => Promise<void> = () => knex.destroy()): Db {
  const dialect = dialectFor(target);
  return {
    knex,
    dialect,
    target,
    table: (name) => knex(`${target.schema}.${name}`),
    async query<T>(sql: string, bindings: readonly Knex.RawBinding[] = [], trx?: Knex.Transaction) {
      return dialect.rows<T>(await (trx ?? knex).raw(sql, bindings as Knex.RawBinding[]));
    },
    close,
  };
}

export interface ConnectOptions {
  logger?: Logger;
}

export async function connect(target: DbTarget, options: ConnectOptions = {}): Promise<Db> {
  const knex = statementsOffErrors(await open(target, knexLog(options.logger ?? silentLogger)));
  const db = dbOver(knex, target);
  try {
    await knex.raw('SELECT 1 AS ok');
  } catch (error) {
    await knex.destroy().catch(() => undefined);
    const explained = db.dialect.explainConnectionError(error);
    throw new DbUnavailableError(
      `${describeTarget(target)}: ${explained ?? (error instanceof Error ? error.message : String(error))}`,
    );
  }
  return db;
}

/** knex's own messages (pool retries, deprecations) go to our logger at debug level: we report failures ourselves. */
/**
 * A second pool to the same database, so that one kind of work (the webhook receiver's single
 * INSERTs) never waits behind another's transactions. PGlite lives in this process with one
 * connection: there the same Db is shared.
 */
export async function separatePool(db: Db, options: ConnectOptions = {}): Promise<Db> {
  if (db.target.client === 'pglite') return dbOver(db.knex, db.target, async () => undefined);
  return connect(db.target, options);
}

/**
 * knex writes a failed query's statement in front of the driver's message ("select … - <message>"),
 * and the driver may quote the data it refused: every log line and answer made from that error
 * would carry them. Every query's error, in a transaction or not, passes the client's query-error
 * event before it is thrown: both are taken off there, so a database error's message is the
 * database's alone, wherever it is shown.
 */
function statementsOffErrors(knex: Knex): Knex {
  knex.client.on('query-error', (error: { message?: unknown } | undefined, query: { sql?: unknown } | undefined) => {
    if (typeof error?.message !== 'string') return;
    const prefix = `${String(query?.sql)} - `;
    error.message = withoutData(error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message);
  });
  return knex;
}

function knexLog(logger: Logger): Knex.Config['log'] {
  const debug = (message: unknown) => logger.debug(`knex: ${message instanceof Error ? message.message : String(message)}`);
  return { warn: debug, error: debug, deprecate: debug, debug };
}

/** Each engine's driver is loaded only when that engine is used. */
async function open(target: DbTarget, log: Knex.Config['log']): Promise<Knex> {
  switch (target.client) {
    case 'pglite': {
      const { PGlite, types: pgliteTypes } = await import('@electric-sql/pglite');
      const { default: ClientPgLite } = await import('knex-pglite');
      // knex-pglite names a delete's command "DEL", so knex returned its raw result instead of the
      // deleted row count; this names it as PostgreSQL does.
      class PgliteClient extends (ClientPgLite as unknown as new (config: Knex.Config) => { processResponse(obj: { method?: string }, runner: unknown): unknown }) {
        override processResponse(obj: { method?: string }, runner: unknown): unknown {
          return super.processResponse(obj.method === 'del' ? { ...obj, method: 'delete' } : obj, runner);
        }
      }
      if (target.dataDir) mkdirSync(path.dirname(path.resolve(target.dataDir)), { recursive: true });
      const options = {
        parsers: { [pgliteTypes.TIMESTAMP]: parseWallClock, [pgliteTypes.INT8]: Number },
      };
      const pglite = target.dataDir ? new PGlite(target.dataDir, options) : new PGlite(options);
      // compileSqlOnError off (here and below): a failed statement's error names the statement,
      // never its values, which may be an activity's text.
      return knexFactory({ client: PgliteClient, dialect: 'postgres', connection: { pglite }, log, compileSqlOnError: false } as unknown as Knex.Config);
    }
    case 'postgres': {
      const { default: pg } = await import('pg');
      // node-postgres writes Dates in the machine's zone unless told otherwise; wall-clock values
      // (see parseWallClock) must go out by their UTC fields.
      pg.defaults.parseInputDatesAsUTC = true;
      const typeParsers = new Map<number, (text: string) => unknown>([
        [pg.types.builtins.TIMESTAMP, parseWallClock],
        [pg.types.builtins.INT8, Number],
      ]);
      return knexFactory({
          client: 'pg',
          connection: {
            connectionString: target.url,
            types: {
              getTypeParser: (oid: number, format: 'text' | 'binary' = 'text') => typeParsers.get(oid) ?? pg.types.getTypeParser(oid, format),
            } as unknown as Knex.PgConnectionConfig['types'],
          },
          pool: { min: 0, max: 10 },
          log,
          compileSqlOnError: false,
        });
    }
    case 'mssql': {
      // knex's own mssql client (knex ships no types for it, hence the specifier in a variable).
      const clientModule = 'knex/lib/dialects/mssql/index.js';
      const { default: ClientMssql } = (await import(clientModule)) as {
        default: new (config: Knex.Config) => { processResponse(obj: MssqlResponse | null, runner: unknown): unknown };
      };
      // knex reads an update's or delete's count (`SELECT @@ROWCOUNT`) from the unnamed column of
      // that row; this reads the row's single column whatever its name (some TDS servers name it),
      // which on SQL Server is the same value.
      class MssqlClient extends ClientMssql {
        override processResponse(obj: MssqlResponse | null, runner: unknown): unknown {
          const row = obj?.response?.[0];
          if (obj && obj.returning === '@@rowcount' && !obj.output && Array.isArray(row) && row.length === 1) return row[0]!.value;
          return super.processResponse(obj, runner);
        }
      }
      return knexFactory({ ...mssqlConfig(target), client: MssqlClient, log, compileSqlOnError: false } as unknown as Knex.Config);
    }
  }
}

/** What knex's mssql client hands its processResponse: tedious's rows, each a list of columns. */
interface MssqlResponse {
  method?: string;
  returning?: unknown;
  output?: unknown;
  response?: { value: unknown; metadata: { colName: string } }[][];
}

/**
 * knex's mssql config for a target. knex hands tedious `authentication: { type, options: { domain,
 * userName, password } }` from the connection's `type`, `domain`, `user` and `password`; a Windows
 * login is tedious's NTLM. With an instance name tedious asks the SQL Server Browser for the port
 * (knex drops the port then).
 */
export function mssqlConfig(target: MssqlTarget): Knex.Config {
  return {
    client: 'mssql',
    connection: {
      server: target.server,
      port: target.port,
      database: target.database,
      ...(target.authentication === 'ntlm' ? { type: 'ntlm', domain: target.domain } : {}),
      user: target.user,
      password: target.password,
      requestTimeout: 30_000,
      connectionTimeout: 15_000,
      options: {
        encrypt: target.encrypt,
        trustServerCertificate: target.trustServerCertificate,
        instanceName: target.instanceName,
        appName: 'exo-numerik',
        // Any error or timeout rolls back the whole transaction instead of leaving it half done.
        abortTransactionOnError: true,
        // DATETIME values travel by their UTC fields (see parseWallClock).
        useUTC: true,
      },
    } as Knex.MsSqlConnectionConfig,
    pool: { min: 0, max: 10 },
  };
}
