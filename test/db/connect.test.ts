import { describe, expect, it } from 'vitest';
import { connect, DbUnavailableError } from '../../db/connect.js';
import { DEFAULT_PGLITE_DIR } from '../../db/pglite-dir.js';
import { DbTargetError, describeTarget, parseMssqlUrl, resolveTarget } from '../../db/target.js';

describe('database target from settings', () => {
  it('is embedded PGlite in a local folder when nothing is configured', () => {
    expect(resolveTarget({})).toEqual({ client: 'pglite', dataDir: DEFAULT_PGLITE_DIR, schema: 'public' });
    expect(resolveTarget({ pgliteDir: 'memory' })).toEqual({ client: 'pglite', dataDir: undefined, schema: 'public' });
  });

  it('is PostgreSQL for a postgres:// URL', () => {
    expect(resolveTarget({ url: 'postgres://u@h/db' })).toEqual({ client: 'postgres', url: 'postgres://u@h/db', schema: 'public' });
  });

  it.each([
    [
      'mssql://sa:p%40ss@db.local:1444/EXO?encrypt=true&trustServerCertificate=false',
      { server: 'db.local', port: 1444, database: 'EXO', user: 'sa', password: 'p@ss', encrypt: true, trustServerCertificate: false },
    ],
    ['sqlserver://exo-sql/EXO_LIVE', { server: 'exo-sql', database: 'EXO_LIVE' }],
    [
      'Server=exo-sql\\SQLEXPRESS;Database=EXO;User Id=exo_sync;Password=s3cret;Encrypt=false',
      { server: 'exo-sql', instanceName: 'SQLEXPRESS', port: 1433, database: 'EXO', user: 'exo_sync', password: 's3cret', encrypt: false },
    ],
    ['Data Source=tcp:10.0.0.5,1500;Initial Catalog=EXO', { server: '10.0.0.5', port: 1500, database: 'EXO' }],
  ])('reads the SQL Server connection string %s', (url, expected) => {
    expect(parseMssqlUrl(url)).toEqual(expected);
  });

  it('is SQL Server for a server or an mssql URL, with settings overriding the URL', () => {
    const target = resolveTarget({ url: 'mssql://sa@db/EXO', password: 'from-env', schema: 'exo' });
    expect(target).toMatchObject({ client: 'mssql', server: 'db', database: 'EXO', user: 'sa', password: 'from-env', schema: 'exo' });
    expect(resolveTarget({ server: 'db', database: 'EXO' })).toMatchObject({ client: 'mssql', schema: 'dbo', encrypt: false });
  });

  it('names what is missing', () => {
    expect(() => resolveTarget({ client: 'mssql', server: 'db' })).toThrow(new DbTargetError('database: SQL Server needs a database name (EXO_DB_NAME or a connection URL)'));
    expect(() => resolveTarget({ client: 'postgres' })).toThrow(/needs a url/);
    expect(() => resolveTarget({ client: 'mssql', url: 'not a connection string' })).toThrow(/neither mssql:\/\/… nor Server=…;Database=…/);
  });

  it('never shows a password when it describes the target', () => {
    const described = [
      describeTarget(resolveTarget({ url: 'mssql://sa:Hunter2@db:1433/EXO' })),
      describeTarget(resolveTarget({ url: 'postgres://sync:Hunter2@pg.local:5433/exo' })),
    ];
    expect(described).toEqual(['SQL Server db,1433 database EXO schema dbo', 'PostgreSQL pg.local:5433/exo schema public']);
    expect(described.join()).not.toContain('Hunter2');
  });
});

describe('connecting to a database that cannot be used', () => {
  const failure = async (target: Parameters<typeof connect>[0]) => {
    const error = await connect(target).then(
      (db) => db.close().then(() => new Error('connected')),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(DbUnavailableError);
    expect(error.message).not.toContain('\n');
    return error.message;
  };

  it('says a PostgreSQL server is not reachable', async () => {
    expect(await failure({ client: 'postgres', url: 'postgres://u:secret@127.0.0.1:1/exo', schema: 'public' })).toMatch(
      /^PostgreSQL 127\.0\.0\.1:1\/exo schema public: PostgreSQL is not reachable: .*ECONNREFUSED/,
    );
  });

  it('says a SQL Server is not reachable', async () => {
    const message = await failure(resolveTarget({ url: 'mssql://sa:secret@127.0.0.1:1/EXO' }));
    expect(message).toMatch(/^SQL Server 127\.0\.0\.1,1 database EXO schema dbo: SQL Server is not reachable: /);
    expect(message).not.toContain('secret');
  });

  const pgUrl = process.env.EXO_TEST_PG_URL;
  it.runIf(!!pgUrl)('says the PostgreSQL database does not exist, or the login is refused', async () => {
    const url = new URL(pgUrl!);
    url.pathname = '/no_such_exo_db';
    expect(await failure({ client: 'postgres', url: url.toString(), schema: 'public' })).toMatch(/PostgreSQL has no such database: /);
    const nobody = new URL(pgUrl!);
    nobody.username = 'no_such_login';
    expect(await failure({ client: 'postgres', url: nobody.toString(), schema: 'public' })).toMatch(/refused the login/);
  });
});
