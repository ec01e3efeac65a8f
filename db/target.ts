import { createRequire } from 'node:module';
import type mssql from 'mssql';
import { z } from 'zod';
import { DEFAULT_PGLITE_DIR } from './pglite-dir.js';

/** Where the Exo database lives. Exactly one of three engines; nothing else in the code cares which. */
export type DbTarget = PgliteTarget | PostgresTarget | MssqlTarget;

export interface PgliteTarget {
  client: 'pglite';
  /** A folder that keeps the data, or undefined for a throw-away in-memory database. */
  dataDir?: string;
  schema: string;
}

export interface PostgresTarget {
  client: 'postgres';
  url: string;
  schema: string;
}

export interface MssqlTarget {
  client: 'mssql';
  server: string;
  port?: number;
  instanceName?: string;
  database: string;
  user?: string;
  password?: string;
  encrypt: boolean;
  trustServerCertificate: boolean;
  schema: string;
}

/** The settings a DBA or consultant gives us; validated here so a bad one is named, not guessed. */
export const dbSettingsSchema = z
  .object({
    client: z.enum(['pglite', 'postgres', 'mssql']).optional().describe('the engine (inferred from the URL; the embedded PGlite when nothing is set)'),
    url: z.string().min(1).optional().describe('mssql://user:pass@host:1433/EXO?encrypt=true, an ADO string Server=host\\INSTANCE;Database=EXO;…, or postgres://…'),
    server: z.string().min(1).optional().describe('SQL Server host (or host\\INSTANCE), instead of the URL'),
    port: z.coerce.number().int().min(1).max(65535).optional().describe('SQL Server port'),
    database: z.string().min(1).optional().describe("the Exo company's database"),
    user: z.string().min(1).optional().describe('the login'),
    password: z.string().optional().describe("the login's password (environment or file only; never logged)"),
    encrypt: z.boolean().optional().describe('TLS to SQL Server'),
    trustServerCertificate: z.boolean().optional().describe("accept the server's self-signed certificate"),
    schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').optional().describe("schema of Exo's tables (dbo; public on PostgreSQL)"),
    pgliteDir: z.string().min(1).optional().describe('folder of the embedded database, or memory'),
    migrationUser: z.string().min(1).optional().describe('the login with DDL rights that `migrate up`/`down` use (default: the sync login)'),
    migrationPassword: z.string().optional().describe("the migration login's password (environment or file only; never logged)"),
  })
  .strict();

export type DbSettings = z.infer<typeof dbSettingsSchema>;

export class DbTargetError extends Error {}

/** The same database through another login (the migration login beside the sync login). */
export function withLogin(settings: DbSettings, user: string, password: string | undefined): DbSettings {
  if (resolveTarget(settings).client !== 'postgres') return { ...settings, user, password };
  const url = new URL(settings.url!);
  url.username = encodeURIComponent(user);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  return { ...settings, url: url.toString() };
}

/** Turns settings into a target: PGlite in a local folder when nothing is configured. */
export function resolveTarget(settings: DbSettings): DbTarget {
  const client = settings.client ?? inferClient(settings);
  switch (client) {
    case 'pglite':
      return {
        client,
        dataDir: settings.pgliteDir === 'memory' ? undefined : (settings.pgliteDir ?? DEFAULT_PGLITE_DIR),
        schema: settings.schema ?? 'public',
      };
    case 'postgres':
      if (!settings.url) throw new DbTargetError('database: client "postgres" needs a url (e.g. postgres://user@host/db)');
      return { client, url: settings.url, schema: settings.schema ?? 'public' };
    case 'mssql':
      return mssqlTarget(settings);
  }
}

function inferClient(settings: DbSettings): DbTarget['client'] {
  if (settings.url && /^postgres(ql)?:\/\//i.test(settings.url)) return 'postgres';
  if (settings.url || settings.server) return 'mssql';
  return 'pglite';
}

function mssqlTarget(settings: DbSettings): MssqlTarget {
  const fromUrl = settings.url ? parseMssqlUrl(settings.url) : {};
  const merged = {
    ...fromUrl,
    ...definedOnly({
      server: settings.server,
      port: settings.port,
      database: settings.database,
      user: settings.user,
      password: settings.password,
      encrypt: settings.encrypt,
      trustServerCertificate: settings.trustServerCertificate,
    }),
  };
  if (!merged.server) throw new DbTargetError('database: SQL Server needs a server (EXO_DB_SERVER or a connection URL)');
  if (!merged.database) throw new DbTargetError('database: SQL Server needs a database name (EXO_DB_NAME or a connection URL)');
  return {
    client: 'mssql',
    server: merged.server,
    port: merged.port,
    instanceName: merged.instanceName,
    database: merged.database,
    user: merged.user,
    password: merged.password,
    encrypt: merged.encrypt ?? false,
    trustServerCertificate: merged.trustServerCertificate ?? true,
    schema: settings.schema ?? 'dbo',
  };
}

type MssqlParts = Partial<Omit<MssqlTarget, 'client' | 'schema'>>;

/**
 * Accepts `mssql://user:pass@host:port/db?encrypt=true` (also `sqlserver://`) and ADO.NET strings
 * (`Server=host,1433;Database=EXO;User Id=…;Password=…`), the form Exo's own configuration uses.
 */
export function parseMssqlUrl(url: string): MssqlParts {
  if (/^(mssql|sqlserver):\/\//i.test(url)) {
    const u = new URL(url);
    const [host, instanceName] = decodeURIComponent(u.hostname).split('\\');
    const q = u.searchParams;
    return definedOnly({
      server: host,
      instanceName: instanceName ?? q.get('instanceName') ?? undefined,
      port: u.port ? Number(u.port) : undefined,
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || q.get('database') || undefined,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      encrypt: flag(q.get('encrypt')),
      trustServerCertificate: flag(q.get('trustServerCertificate')),
    });
  }
  if (!url.includes('=')) throw new DbTargetError('database: the SQL Server URL is neither mssql://… nor Server=…;Database=…');
  // Loaded only here: the SQL Server driver is large, and most processes never parse an ADO string.
  const sql = createRequire(import.meta.url)('mssql') as typeof mssql;
  const parsed = sql.ConnectionPool.parseConnectionString(url) as {
    server?: string;
    port?: number;
    database?: string;
    user?: string;
    password?: string;
    options?: { encrypt?: boolean; trustServerCertificate?: boolean; instanceName?: string };
  };
  return definedOnly({
    server: parsed.server,
    port: parsed.port,
    instanceName: parsed.options?.instanceName,
    database: parsed.database,
    user: parsed.user,
    password: parsed.password,
    encrypt: parsed.options?.encrypt,
    trustServerCertificate: parsed.options?.trustServerCertificate,
  });
}

function flag(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  return /^(1|true|yes)$/i.test(value);
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A one-line description that never contains a password. */
export function describeTarget(target: DbTarget): string {
  switch (target.client) {
    case 'pglite':
      return `embedded PGlite (${target.dataDir ?? 'in memory'})`;
    case 'postgres': {
      const u = new URL(target.url);
      return `PostgreSQL ${u.hostname}${u.port ? ':' + u.port : ''}${u.pathname} schema ${target.schema}`;
    }
    case 'mssql':
      return `SQL Server ${target.server}${target.instanceName ? '\\' + target.instanceName : ''}${target.port ? ',' + target.port : ''} database ${target.database} schema ${target.schema}`;
  }
}
