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
  /** How the login is made: a SQL Server login, or a Windows account through NTLM (domain, user, password). */
  authentication: 'sql' | 'ntlm';
  /** The Windows account's domain (NTLM only). */
  domain?: string;
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
    authentication: z
      .enum(['sql', 'ntlm'])
      .optional()
      .describe(
        'sql: a SQL Server login (the default); ntlm: a Windows account through NTLM, with domain, user and password (implied by a domain, a DOMAIN\\user or an ADO string\'s Integrated Security=SSPI)',
      ),
    domain: z.string().min(1).optional().describe("the Windows account's domain (ntlm; or give the user as DOMAIN\\user)"),
    user: z.string().min(1).optional().describe('the login: a SQL login, or a Windows account (ntlm)'),
    password: z.string().optional().describe("the login's password (environment or file only; never logged)"),
    encrypt: z.boolean().optional().describe('TLS to SQL Server'),
    trustServerCertificate: z.boolean().optional().describe("accept the server's self-signed certificate"),
    schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').optional().describe("schema of Exo's tables (dbo; public on PostgreSQL)"),
    pgliteDir: z.string().min(1).optional().describe('folder of the embedded database, or memory'),
    migrationUser: z
      .string()
      .min(1)
      .optional()
      .describe('the login with DDL rights that `migrate up`/`down` use (default: the sync login); the same kind of login as the sync login, in its domain unless given as DOMAIN\\user'),
    migrationPassword: z.string().optional().describe("the migration login's password (environment or file only; never logged)"),
  })
  .strict();

export type DbSettings = z.infer<typeof dbSettingsSchema>;

export class DbTargetError extends Error {}

/**
 * The same database through another login (the migration login beside the sync login). On SQL
 * Server it is the same kind of login: a Windows account keeps the sync login's domain unless it
 * names its own (DOMAIN\user).
 */
export function withLogin(settings: DbSettings, user: string, password: string | undefined): DbSettings {
  const client = settings.client ?? inferClient(settings);
  if (client === 'mssql') {
    const domain = settings.domain ?? splitAccount(settings.user).domain;
    return { ...settings, user, password, ...(domain === undefined ? {} : { domain }) };
  }
  if (client !== 'postgres') return { ...settings, user, password };
  const url = new URL(settings.url!);
  url.username = encodeURIComponent(user);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  return { ...settings, url: url.toString() };
}

/** The keys (and environment variables) that hold a login, named when one is missing. */
interface LoginKeys {
  user: string;
  password: string;
}

const SYNC_LOGIN: LoginKeys = { user: 'database.user (EXO_DB_USER)', password: 'database.password (EXO_DB_PASSWORD)' };
const MIGRATION_LOGIN: LoginKeys = {
  user: 'database.migrationUser (EXO_DB_MIGRATION_USER)',
  password: 'database.migrationPassword (EXO_DB_MIGRATION_PASSWORD)',
};

/** The database through the migration login (database.migrationUser), which must be configured. */
export function migrationTarget(settings: DbSettings): DbTarget {
  if (!settings.migrationUser) throw new DbTargetError('database.migrationUser: no migration login is configured');
  return resolveTarget(withLogin(settings, settings.migrationUser, settings.migrationPassword), MIGRATION_LOGIN);
}

/** Turns settings into a target: PGlite in a local folder when nothing is configured. */
export function resolveTarget(settings: DbSettings, login: LoginKeys = SYNC_LOGIN): DbTarget {
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
      return mssqlTarget(settings, login);
  }
}

function inferClient(settings: DbSettings): DbTarget['client'] {
  if (settings.url && /^postgres(ql)?:\/\//i.test(settings.url)) return 'postgres';
  if (settings.url || settings.server) return 'mssql';
  return 'pglite';
}

function mssqlTarget(settings: DbSettings, login: LoginKeys): MssqlTarget {
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
  // database.server may name an instance too (host\INSTANCE), as SSMS and sqlcmd take it.
  if (settings.server !== undefined) {
    const [host, instanceName] = splitInstance(settings.server);
    merged.server = host;
    merged.instanceName = instanceName;
  }
  if (!merged.server) throw new DbTargetError('database: SQL Server needs a server (EXO_DB_SERVER or a connection URL)');
  if (!merged.database) throw new DbTargetError('database: SQL Server needs a database name (EXO_DB_NAME or a connection URL)');
  // A DOMAIN\user names its own domain; otherwise database.domain, or the connection string's.
  const account = splitAccount(merged.user);
  const domain = account.domain ?? settings.domain ?? fromUrl.domain;
  const authentication = settings.authentication ?? (fromUrl.authentication === 'ntlm' || domain !== undefined ? 'ntlm' : 'sql');
  if (authentication === 'ntlm') {
    checkWindowsAccount(login, account.user, domain, merged.password);
  } else if (domain !== undefined) {
    const where = splitAccount(settings.user).domain !== undefined ? keyOf(login.user) : settings.domain !== undefined ? 'database.domain' : 'database.url';
    throw new DbTargetError(`${where}: names a Windows account (a domain) but database.authentication is sql: set it to ntlm (EXO_DB_AUTHENTICATION=ntlm), or give a SQL login`);
  }
  return {
    client: 'mssql',
    server: merged.server,
    port: merged.port,
    instanceName: merged.instanceName,
    database: merged.database,
    authentication,
    ...(authentication === 'ntlm' ? { domain } : {}),
    user: account.user,
    password: merged.password,
    encrypt: merged.encrypt ?? false,
    trustServerCertificate: merged.trustServerCertificate ?? true,
    schema: settings.schema ?? 'dbo',
  };
}

/**
 * NTLM needs all three: tedious computes the response from the password, so it cannot borrow the
 * Windows credentials this process runs under (SSPI). One line naming the key, never its value.
 */
function checkWindowsAccount(login: LoginKeys, user: string | undefined, domain: string | undefined, password: string | undefined): void {
  const why = 'a Windows login (database.authentication ntlm) needs';
  if (!user) throw new DbTargetError(`${login.user}: ${why} the Windows account's user name (DOMAIN\\user, or the user with database.domain)`);
  if (!domain) throw new DbTargetError(`database.domain (EXO_DB_DOMAIN): ${why} the account's domain (or give ${keyOf(login.user)} as DOMAIN\\user)`);
  if (!password) {
    throw new DbTargetError(`${login.password}: ${why} the account's password (NTLM cannot use the Windows credentials this process runs under)`);
  }
}

const keyOf = (named: string) => named.replace(/ \(.*/, '');

/** `host\INSTANCE` → host and instance; a plain host has none. */
function splitInstance(server: string): [host: string, instanceName: string | undefined] {
  const at = server.indexOf('\\');
  return at < 0 ? [server, undefined] : [server.slice(0, at), server.slice(at + 1) || undefined];
}

/** `DOMAIN\user` → domain and user (a SQL login cannot contain a backslash). */
function splitAccount(user: string | undefined): { domain?: string; user?: string } {
  const at = user?.indexOf('\\') ?? -1;
  return at < 0 ? { user } : { domain: user!.slice(0, at) || undefined, user: user!.slice(at + 1) };
}

type MssqlParts = Partial<Omit<MssqlTarget, 'client' | 'schema'>>;

/**
 * Accepts `mssql://user:pass@host:port/db?encrypt=true` (also `sqlserver://`; `host%5CINSTANCE` or
 * `?instanceName=`, `?authentication=ntlm&domain=CORP`) and ADO.NET strings
 * (`Server=host\\INSTANCE,1433;Database=EXO;User Id=…;Password=…`), the form Exo's own configuration
 * uses, where `Integrated Security=SSPI` (or `Trusted_Connection=yes`) with `User Id=DOMAIN\\user`
 * means a Windows login.
 */
export function parseMssqlUrl(url: string): MssqlParts {
  if (/^(mssql|sqlserver):\/\//i.test(url)) {
    let u: URL;
    try {
      // A backslash (host\INSTANCE, DOMAIN\user) is no URL character: taken as its escape.
      u = new URL(url.replace(/\\/g, '%5C'));
    } catch {
      throw new DbTargetError('database.url: not a valid mssql:// URL (mssql://user:password@host:1433/EXO)');
    }
    const [host, instanceName] = decodeURIComponent(u.hostname).split('\\');
    const q = u.searchParams;
    const authentication = q.get('authentication')?.toLowerCase();
    if (authentication !== undefined && authentication !== 'sql' && authentication !== 'ntlm') {
      throw new DbTargetError('database.url: its authentication is neither sql nor ntlm');
    }
    return definedOnly({
      server: host,
      instanceName: instanceName || q.get('instanceName') || undefined,
      port: u.port ? Number(u.port) : undefined,
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || q.get('database') || undefined,
      authentication,
      domain: q.get('domain') || undefined,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      encrypt: flag(q.get('encrypt')),
      trustServerCertificate: flag(q.get('trustServerCertificate')),
    });
  }
  if (!url.includes('=')) throw new DbTargetError('database: the SQL Server URL is neither mssql://… nor Server=…;Database=…');
  // Loaded only here: the SQL Server driver is large, and most processes never parse an ADO string.
  const require = createRequire(import.meta.url);
  const sql = require('mssql') as typeof mssql;
  const parsed = sql.ConnectionPool.parseConnectionString(url) as {
    server?: string;
    port?: number;
    database?: string;
    domain?: string;
    user?: string;
    password?: string;
    authentication_type?: string;
    options?: { encrypt?: boolean; trustServerCertificate?: boolean; instanceName?: string };
  };
  return definedOnly({
    server: parsed.server,
    port: parsed.port,
    instanceName: parsed.options?.instanceName,
    database: parsed.database,
    authentication: parsed.authentication_type === 'ntlm' || integratedSecurity(require, url) ? ('ntlm' as const) : undefined,
    domain: parsed.domain || undefined,
    user: parsed.user,
    password: parsed.password,
    encrypt: parsed.options?.encrypt,
    trustServerCertificate: parsed.options?.trustServerCertificate,
  });
}

/**
 * `Integrated Security=SSPI|true|yes` (alias `Trusted_Connection`): the Windows login. mssql's own
 * parser drops the key, so it is read with the parser mssql uses (its dependency, found from it).
 */
function integratedSecurity(require: NodeJS.Require, url: string): boolean {
  const { parse } = createRequire(require.resolve('mssql'))('@tediousjs/connection-string') as { parse(text: string): Map<string, unknown> };
  const entries = parse(url);
  const value = entries.get('integrated security') ?? entries.get('trusted_connection');
  return typeof value === 'string' && /^(sspi|true|yes)$/i.test(value.trim());
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
      // With an instance the SQL Server Browser gives the port: a configured one is not used.
      return `SQL Server ${target.server}${target.instanceName ? '\\' + target.instanceName : target.port ? ',' + target.port : ''} database ${target.database} schema ${target.schema}`;
  }
}

/**
 * Which kind of login a target uses, and whose — never a password: `SQL login exo_sync`,
 * `Windows login CORP\svc_exo (NTLM)`. `name` is the login as the server knows it, when known.
 */
export function describeLogin(target: DbTarget, name?: string): string {
  switch (target.client) {
    case 'pglite':
      return 'the embedded database (no login)';
    case 'postgres':
      return `login ${name ?? decodeURIComponent(new URL(target.url).username)}`;
    case 'mssql':
      return target.authentication === 'ntlm'
        ? `Windows login ${name ?? `${target.domain}\\${target.user}`} (NTLM)`
        : `SQL login ${name ?? target.user}`;
  }
}
