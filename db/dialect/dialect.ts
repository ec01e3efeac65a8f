import type { Knex } from 'knex';
import type { LackedGrants } from './login-rights.js';

/**
 * One statement of a migration, as a DBA will read it. `when` makes it conditional on an Exo table
 * that not every Exo version has (PostgreSQL cannot skip a statement on a missing table by itself).
 */
export interface Statement {
  sql: string;
  when?: { tableExists: string };
}

/** What the capture trigger must know about TASKS: its key and the columns whose change we sync. */
export interface CaptureSpec {
  table: string;
  key: string;
  /** Text columns (compared byte for byte) and other columns (compared by value). */
  watched: { name: string; text?: { length: number } }[];
  queue: string;
  triggerName: string;
  /**
   * Where a statement that changes more than one row records its changed keys, as one row (the
   * worker splits it into queue rows). Without it every changed row gets its own queue row (the
   * trigger of 0002-change-capture, kept as it was released).
   */
  sets?: string;
}

export interface KeyedTable {
  name: string;
  key: string;
  sequence: string;
  /** Columns besides the key; the key and its primary-key constraint are added by the dialect. */
  build: (t: Knex.CreateTableBuilder) => void;
}

/** A lane of a work table: its rows whose `column` is `value` (with `not`, is not). */
export interface ClaimLane {
  column: string;
  value: string;
  not?: boolean;
}

export interface ClaimOptions {
  worker: string;
  limit: number;
  leaseMs: number;
  /** Only this lane's rows (default: every row). */
  lane?: ClaimLane;
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
}

export interface TriggerInfo {
  name: string;
  table: string;
  enabled: boolean;
}

/** Every object kind the migrations create, as the catalog reports it. */
export type ObjectKind = 'table' | 'column' | 'index' | 'sequence' | 'trigger' | 'function';

export interface CatalogObject {
  kind: ObjectKind;
  /** Table for columns, indexes and triggers. */
  table?: string;
  name: string;
  /** Type, nullability, definition: anything a DBA would call a schema change. */
  detail: string;
}

/**
 * Everything that differs between SQL Server and PostgreSQL. The rest of the code asks the dialect
 * and never branches on the engine itself.
 */
export interface Dialect {
  readonly name: 'mssql' | 'postgres';
  /** node-sql-parser's name for the dialect. */
  readonly parserMode: 'transactsql' | 'postgresql';
  readonly schema: string;
  /** A connection-less knex of the right client: the schema builder's SQL, printable without a database. */
  readonly builder: Knex;

  /** Quoted and schema-qualified: `[dbo].[TASKS]` or `"public"."TASKS"`. */
  qualified(name: string): string;
  quote(identifier: string): string;

  // ---- DDL (migrations) ----
  createKeyedTable(table: KeyedTable): Statement[];
  dropKeyedTable(table: KeyedTable): Statement[];
  createTable(name: string, build: (t: Knex.CreateTableBuilder) => void): Statement[];
  /** Indexes on one of our tables (never an Exo table: the guard refuses it). */
  alterTable(name: string, build: (t: Knex.AlterTableBuilder) => void): Statement[];
  dropTable(name: string): Statement;
  /** Extra settings a busy queue table needs on this engine (SQL Server: no lock escalation). */
  tuneQueueTable(name: string): Statement[];
  /** A text column written whole and read once (a set's keys): PostgreSQL's compression of it costs more than it saves. */
  storeUncompressed(table: string, column: string): Statement[];
  /**
   * Fails the migration's transaction with `message` while `table` has any row: a revert that would
   * drop work not yet done refuses instead. `message` holds no quote (it is a literal).
   */
  refuseWhileRows(table: string, message: string): Statement[];
  captureTriggerUp(spec: CaptureSpec): Statement[];
  captureTriggerDown(spec: CaptureSpec): Statement[];
  /** The names of the triggers `captureTriggerUp` creates, for the drift check. */
  captureTriggerNames(spec: CaptureSpec): string[];
  addColumn(table: string, column: string, type: string): Statement;
  dropColumn(table: string, column: string): Statement;
  /** An Exo column type as exo-schema.md writes it in T-SQL (`VARCHAR(60)`, `IMAGE`), on this engine. */
  exoType(tsqlType: string, options?: { identity?: boolean }): string;
  /** A statement that runs only where `table` exists. */
  ifTableExists(table: string, sql: string): Statement;
  /** A SQL literal, for the statements a DBA reads (runtime SQL is always parameterised). */
  literal(value: string | number | null): string;
  /** The current UTC time, as an SQL expression. */
  now(): string;
  /** Seconds from `expression` (a time written with now()) to now, as an SQL expression. */
  secondsSince(expression: string): string;

  /**
   * Session settings around a migration: DDL on TASKS needs a schema lock that queues behind Exo's
   * running queries (and blocks new ones); fail after a few seconds instead. `end` restores the
   * session, which a pooled connection would otherwise carry to its next user.
   */
  ddlSession(): { begin: Statement[]; end: Statement[] };

  // ---- Runtime ----
  /** Marks the transaction's writes as ours, so the capture trigger skips them (no echo). */
  markEcho(trx: Knex.Transaction): Promise<void>;
  /**
   * Inserts one row into an Exo table and reads back its IDENTITY key, in a way that still works
   * once a trigger is on the table (SQL Server refuses OUTPUT without INTO there).
   */
  insertReturningKey(db: Knex | Knex.Transaction, table: string, row: Record<string, unknown>, key: string): Promise<number>;
  /** Clears the mark; the mark is transaction-scoped anyway, this keeps pooled sessions tidy. */
  clearEcho(trx: Knex.Transaction): Promise<void>;
  /**
   * The start of one record's commit: bounds the transaction's lock waits (an Exo user's open
   * transaction, another worker's commit) to `timeoutMs`, and takes the record's application lock
   * to the transaction's end (`sp_getapplock` / `pg_advisory_xact_lock`), so that one record is
   * committed by one worker at a time, whichever direction. A wait in vain throws a lock timeout.
   */
  lockRecord(trx: Knex.Transaction, resource: string, timeoutMs: number): Promise<void>;
  /** `table`'s rows, read under a short update lock held to the transaction's end (UPDLOCK, ROWLOCK / FOR UPDATE). */
  lockedRows(trx: Knex.Transaction, table: string): Knex.QueryBuilder;
  /** A lock wait ran out (the record is busy: start over later, it is no failure). */
  isLockTimeout(error: unknown): boolean;

  /** The rows of a `knex.raw` result (SQL Server: an array; PostgreSQL: `{ rows }`). */
  rows<T>(result: unknown): T[];

  /**
   * Claims up to `limit` work rows (queue or inbox) that are ready, or whose lease expired: they
   * become `claimed` by `worker` until `now + leaseMs`, their ATTEMPTS counted. The claiming
   * statement re-checks each row's state itself, so it stays correct where lock hints are ignored.
   */
  claim(db: Knex | Knex.Transaction, table: string, options: ClaimOptions): Promise<Record<string, unknown>[]>;
  /** SQL for "the database's UTC now plus ? milliseconds" (one binding). */
  nowPlusMs(): string;
  /**
   * The code page of TASKS.DETAILS as an iconv name: what its VARCHAR can hold. SQL Server reads it
   * from the column's collation; PostgreSQL stores UTF-8 but stands in for Exo's Latin1 (1252).
   */
  codePage(db: Knex): Promise<string>;
  /** A unique or primary key violation (two writers raced for the same row). */
  isUniqueViolation(error: unknown): boolean;
  /**
   * The cause, when the database refused a statement for the data it carries (a value that does
   * not fit or convert, a constraint): trying the same again will never work. Undefined for
   * everything else (the connection, a deadlock, a timeout), which may pass.
   */
  permanentError(error: unknown): string | undefined;

  // ---- Catalog ----
  tableExists(db: Knex | Knex.Transaction, table: string): Promise<boolean>;
  columns(db: Knex, table: string): Promise<ColumnInfo[]>;
  triggers(db: Knex, table: string): Promise<TriggerInfo[]>;
  /** The schema's objects, for drift checks and for proving that up → down leaves nothing behind. */
  catalog(db: Knex): Promise<CatalogObject[]>;
  /**
   * The current login, and what it may do beyond what the sync needs (reading and writing rows of
   * TASKS, the lookups and X_NUMERIK_*): server-wide roles, schema changes, deleting activities;
   * `lacks`: the GRANTs it still needs as the sync login and as the migration login (login-rights.ts).
   */
  loginRights(db: Knex): Promise<{ login: string; wider: string[]; lacks: LackedGrants }>;
  /** The database server's clock (UTC), for the clock-skew check. */
  serverTime(db: Knex): Promise<Date>;

  /** A one-line explanation of a driver error (unreachable, bad login, missing database), or undefined. */
  explainConnectionError(error: unknown): string | undefined;
}
