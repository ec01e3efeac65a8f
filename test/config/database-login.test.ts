import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { Connection, type ConnectionConfiguration } from 'tedious';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load.js';
import { connect, DbUnavailableError, mssqlConfig } from '../../db/connect.js';
import { DbTargetError, describeLogin, describeTarget, migrationTarget, resolveTarget, type DbSettings, type MssqlTarget } from '../../db/target.js';

/**
 * A Windows login and a named instance, from the configuration to what tedious is handed:
 * config (environment or file) → DbTarget → knex's mssql config → tedious's connection config.
 */
const knexes: Knex[] = [];
afterAll(async () => {
  for (const k of knexes) await k.destroy();
});

const mssql = (settings: DbSettings) => resolveTarget(settings) as MssqlTarget;

/** What knex's mssql client gives tedious for a target (it makes it per connection, without connecting). */
function tediousConfig(target: MssqlTarget): ConnectionConfiguration {
  const knex = knexFactory(mssqlConfig(target));
  knexes.push(knex);
  return (knex.client as unknown as { _generateConnection(): ConnectionConfiguration })._generateConnection();
}

/** The configuration as tedious itself validated and kept it (it opens no socket until connect()). */
function tediousKept(target: MssqlTarget) {
  const connection = new Connection(tediousConfig(target)) as unknown as {
    config: { server: string; authentication: { type: string; options: Record<string, unknown> }; options: { instanceName?: string; port?: number; database?: string } };
  };
  return connection.config;
}

const WINDOWS_ENV = {
  EXO_DB_SERVER: 'exo-sql\\SQLEXPRESS',
  EXO_DB_NAME: 'EXO_LIVE',
  EXO_DB_AUTHENTICATION: 'ntlm',
  EXO_DB_DOMAIN: 'corp',
  EXO_DB_USER: 'svc_exo',
  EXO_DB_PASSWORD: 'Hunter2-secret',
};

describe('a Windows login (NTLM) from the configuration to tedious', () => {
  it('from the environment: database.authentication ntlm, domain, user and password', () => {
    const config = loadConfig({ env: WINDOWS_ENV });
    expect(config.database).toMatchObject({ authentication: 'ntlm', domain: 'corp', user: 'svc_exo', server: 'exo-sql\\SQLEXPRESS' });
    const target = mssql(config.database);
    expect(target).toMatchObject({ client: 'mssql', server: 'exo-sql', instanceName: 'SQLEXPRESS', database: 'EXO_LIVE', authentication: 'ntlm', domain: 'corp', user: 'svc_exo', password: 'Hunter2-secret' });
    const cfg = tediousConfig(target);
    expect(cfg.authentication).toEqual({ type: 'ntlm', options: expect.objectContaining({ domain: 'corp', userName: 'svc_exo', password: 'Hunter2-secret' }) });
    // knex keeps the password out of anything that prints or serialises the config.
    expect(JSON.stringify(cfg)).not.toContain('Hunter2');
    const kept = tediousKept(target);
    expect(kept.authentication).toEqual({ type: 'ntlm', options: { domain: 'CORP', userName: 'svc_exo', password: 'Hunter2-secret' } });
    expect(kept.server).toBe('exo-sql');
    expect(kept.options).toMatchObject({ instanceName: 'SQLEXPRESS', database: 'EXO_LIVE' });
    expect(kept.options.port).toBeUndefined();
  });

  it('from the config file, the user given as DOMAIN\\user (which also means ntlm)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'exo-login-'));
    const file = path.join(dir, 'exo-numerik.config.json');
    writeFileSync(file, JSON.stringify({ database: { server: 'exo-sql', database: 'EXO', user: 'CORP\\svc_exo', password: 'Hunter2-secret' } }));
    const target = mssql(loadConfig({ file, env: {} }).database);
    expect(target).toMatchObject({ server: 'exo-sql', authentication: 'ntlm', domain: 'CORP', user: 'svc_exo' });
    expect(tediousConfig(target).authentication).toMatchObject({ type: 'ntlm', options: { domain: 'CORP', userName: 'svc_exo' } });
  });

  it.each([
    ['Server=exo-sql\\SQLEXPRESS;Database=EXO;Integrated Security=SSPI;User Id=CORP\\svc_exo;Password=Hunter2-secret', 'SQLEXPRESS'],
    ['Data Source=exo-sql;Initial Catalog=EXO;Trusted_Connection=yes;User ID=CORP\\svc_exo;Password=Hunter2-secret', undefined],
    ['Server=exo-sql;Database=EXO;Integrated Security=true;User Id=svc_exo;Password=Hunter2-secret', undefined],
    ['mssql://CORP%5Csvc_exo:Hunter2-secret@exo-sql%5CSQLEXPRESS/EXO', 'SQLEXPRESS'],
    ['mssql://CORP\\svc_exo:Hunter2-secret@exo-sql\\SQLEXPRESS/EXO', 'SQLEXPRESS'],
    ['mssql://svc_exo:Hunter2-secret@exo-sql/EXO?authentication=ntlm&domain=CORP', undefined],
  ])('from the connection string %s', (url, instanceName) => {
    // The third names no domain in the string: it comes from database.domain.
    const target = mssql({ url, ...(url.includes('CORP') ? {} : { domain: 'CORP' }) });
    expect(target).toMatchObject({ server: 'exo-sql', database: 'EXO', authentication: 'ntlm', domain: 'CORP', user: 'svc_exo', password: 'Hunter2-secret' });
    expect(target.instanceName).toBe(instanceName);
    expect(tediousKept(target).authentication).toEqual({ type: 'ntlm', options: { domain: 'CORP', userName: 'svc_exo', password: 'Hunter2-secret' } });
  });

  it('a SQL login stays the default: tedious gets its default authentication', () => {
    const target = mssql({ url: 'mssql://exo_sync:Hunter2-secret@exo-sql:1433/EXO' });
    expect(target).toMatchObject({ authentication: 'sql', user: 'exo_sync' });
    expect(target.domain).toBeUndefined();
    expect(tediousKept(target).authentication).toEqual({ type: 'default', options: { userName: 'exo_sync', password: 'Hunter2-secret' } });
    expect(mssql({ url: 'Server=exo-sql;Database=EXO;Integrated Security=False;User Id=exo_sync;Password=x' }).authentication).toBe('sql');
    // An explicit setting wins over what the connection string says.
    expect(mssql({ url: 'Server=exo-sql;Database=EXO;Integrated Security=SSPI;User Id=exo_sync;Password=x', authentication: 'sql' }).authentication).toBe('sql');
  });

  it('the migration login is the same kind, in the sync login\'s domain unless it names its own', () => {
    const windows = { server: 'exo-sql', database: 'EXO', user: 'CORP\\svc_exo', password: 'p1', migrationUser: 'exo_migrate', migrationPassword: 'p2' };
    expect(migrationTarget(windows)).toMatchObject({ authentication: 'ntlm', domain: 'CORP', user: 'exo_migrate', password: 'p2' });
    expect(migrationTarget({ ...windows, migrationUser: 'ADMINS\\dba' })).toMatchObject({ authentication: 'ntlm', domain: 'ADMINS', user: 'dba' });
    expect(migrationTarget({ ...windows, user: 'exo_sync' })).toMatchObject({ authentication: 'sql', user: 'exo_migrate' });
  });

  it('says which login kind, and whose, never the password', () => {
    const windows = mssql(loadConfig({ env: WINDOWS_ENV }).database);
    expect(describeLogin(windows)).toBe('Windows login corp\\svc_exo (NTLM)');
    expect(describeLogin(windows, 'CORP\\svc_exo')).toBe('Windows login CORP\\svc_exo (NTLM)');
    expect(describeLogin(mssql({ url: 'mssql://exo_sync:Hunter2-secret@exo-sql/EXO' }))).toBe('SQL login exo_sync');
    expect(describeLogin(resolveTarget({ url: 'postgres://sync:Hunter2-secret@pg/exo' }))).toBe('login sync');
    expect(describeTarget(windows)).toBe('SQL Server exo-sql\\SQLEXPRESS database EXO_LIVE schema dbo');
  });

  it("tedious computes NTLM's response on this Node (its own MD4: OpenSSL 3 has none)", () => {
    const require = createRequire(createRequire(import.meta.url).resolve('tedious'));
    const NTLMResponsePayload = require('./ntlm-payload') as new (data: object) => { data: Buffer };
    const payload = new NTLMResponsePayload({ domain: 'CORP', userName: 'svc_exo', password: 'Hunter2-secret', ntlmpacket: { target: Buffer.alloc(16), nonce: Buffer.alloc(8, 7) } });
    expect(payload.data.subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
    expect(payload.data.includes(Buffer.from('CORP', 'ucs2'))).toBe(true);
    expect(payload.data.includes(Buffer.from('Hunter2-secret', 'ucs2'))).toBe(false);
  });
});

describe('a named instance (host\\INSTANCE)', () => {
  it.each<[string, DbSettings]>([
    ['database.server', { server: 'exo-sql\\SQLEXPRESS', database: 'EXO' }],
    ['an ADO string', { url: 'Server=exo-sql\\SQLEXPRESS;Database=EXO;User Id=exo_sync;Password=x' }],
    ['an ADO string with a port', { url: 'Server=exo-sql\\SQLEXPRESS,1500;Database=EXO' }],
    ['an mssql:// URL', { url: 'mssql://exo-sql%5CSQLEXPRESS/EXO' }],
    ['an mssql:// URL with instanceName', { url: 'mssql://exo-sql/EXO?instanceName=SQLEXPRESS' }],
    ['database.server over a URL', { url: 'mssql://other/EXO', server: 'exo-sql\\SQLEXPRESS' }],
  ])('from %s: tedious asks the SQL Server Browser for the instance, no port', (_, settings) => {
    const target = mssql(settings);
    expect(target).toMatchObject({ server: 'exo-sql', instanceName: 'SQLEXPRESS', database: 'EXO' });
    const kept = tediousKept(target);
    expect(kept.server).toBe('exo-sql');
    expect(kept.options.instanceName).toBe('SQLEXPRESS');
    expect(kept.options.port).toBeUndefined();
    expect(describeTarget(target)).toBe('SQL Server exo-sql\\SQLEXPRESS database EXO schema dbo');
  });

  it('a plain database.server clears the URL\'s instance; a port without an instance is used', () => {
    const target = mssql({ url: 'mssql://exo-sql%5CSQLEXPRESS/EXO', server: 'exo-sql2', port: 1500 });
    expect(target.instanceName).toBeUndefined();
    expect(tediousKept(target)).toMatchObject({ server: 'exo-sql2', options: { port: 1500 } });
  });
});

describe('a Windows login that is not fully configured: one line naming the key, never a value', () => {
  const secretFree = (fn: () => unknown) => {
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DbTargetError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/Hunter2|svc_exo|CORP/);
    return message;
  };
  const base = { server: 'exo-sql', database: 'EXO', authentication: 'ntlm' as const };

  it.each<[string, DbSettings, string]>([
    [
      'no domain',
      { ...base, user: 'svc_exo', password: 'Hunter2' },
      "database.domain (EXO_DB_DOMAIN): a Windows login (database.authentication ntlm) needs the account's domain (or give database.user as DOMAIN\\user)",
    ],
    [
      'no user',
      { ...base, domain: 'CORP', password: 'Hunter2' },
      "database.user (EXO_DB_USER): a Windows login (database.authentication ntlm) needs the Windows account's user name (DOMAIN\\user, or the user with database.domain)",
    ],
    [
      'no password',
      { ...base, user: 'CORP\\svc_exo' },
      "database.password (EXO_DB_PASSWORD): a Windows login (database.authentication ntlm) needs the account's password (NTLM cannot use the Windows credentials this process runs under)",
    ],
    [
      'Integrated Security=SSPI alone (the credentials this process runs under)',
      { url: 'Server=exo-sql;Database=EXO;Integrated Security=SSPI' },
      "database.user (EXO_DB_USER): a Windows login (database.authentication ntlm) needs the Windows account's user name (DOMAIN\\user, or the user with database.domain)",
    ],
    [
      'a DOMAIN\\user with authentication sql',
      { server: 'exo-sql', database: 'EXO', authentication: 'sql', user: 'CORP\\svc_exo', password: 'Hunter2' },
      'database.user: names a Windows account (a domain) but database.authentication is sql: set it to ntlm (EXO_DB_AUTHENTICATION=ntlm), or give a SQL login',
    ],
  ])('%s', (_, settings, message) => {
    expect(secretFree(() => resolveTarget(settings))).toBe(message);
  });

  it('the migration login names its own keys', () => {
    const windows = { ...base, user: 'CORP\\svc_exo', password: 'Hunter2', migrationUser: 'CORP\\svc_exo_migrate' };
    expect(secretFree(() => migrationTarget(windows))).toBe(
      "database.migrationPassword (EXO_DB_MIGRATION_PASSWORD): a Windows login (database.authentication ntlm) needs the account's password (NTLM cannot use the Windows credentials this process runs under)",
    );
    // The sync login's own gaps do not stop the migration login (a DBA may set only the latter).
    expect(migrationTarget({ ...windows, password: undefined, migrationPassword: 'Hunter2' })).toMatchObject({ user: 'svc_exo_migrate', domain: 'CORP' });
  });

  it('a bad authentication is refused by the configuration check, naming the key', () => {
    expect(() => loadConfig({ env: { ...WINDOWS_ENV, EXO_DB_AUTHENTICATION: 'kerberos' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { ...WINDOWS_ENV, EXO_DB_AUTHENTICATION: 'kerberos' } })).toThrow(/^configuration: database\.authentication \(from EXO_DB_AUTHENTICATION\): .*"sql"\|"ntlm"/);
    expect(secretFree(() => resolveTarget({ url: 'mssql://u:Hunter2@exo-sql/EXO?authentication=kerberos' }))).toBe('database.url: its authentication is neither sql nor ntlm');
  });
});

const mssqlUrl = process.env.EXO_TEST_MSSQL_URL;
describe.runIf(!!mssqlUrl)('a Windows login on the SQL Server of EXO_TEST_MSSQL_URL', () => {
  it('tedious logs in with NTLM: an account the server does not know is refused in one line, without the password', async () => {
    const target = resolveTarget({ url: mssqlUrl!, authentication: 'ntlm', domain: 'NOSUCHDOMAIN', user: 'exo_no_such_account', password: 'Hunter2-secret' });
    const error = await connect(target).then(
      async (db) => {
        await db.close();
        return new Error('logged in');
      },
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(DbUnavailableError);
    expect(error.message).toMatch(/^SQL Server .* database \S+ schema dbo: SQL Server refused the login/);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('Hunter2');
  });
});
