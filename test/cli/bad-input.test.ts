import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '../../sandbox/server.js';
import { runCli } from '../support/cli.js';

const workdir = () => mkdtempSync(path.join(tmpdir(), 'exo-numerik-cli-'));

describe.concurrent('bad input: one line saying what is wrong, a non-zero exit code, nothing changed', () => {
  it.each([
    [{ EXO_DB_URL: 'postgres://exo:secret@127.0.0.1:1/exo' }, /^exo-numerik: PostgreSQL 127\.0\.0\.1:1\/exo schema public: PostgreSQL is not reachable: .*ECONNREFUSED.*\n$/],
    [{ EXO_DB_URL: 'mssql://sa:secret@127.0.0.1:1/EXO' }, /^exo-numerik: SQL Server 127\.0\.0\.1,1 database EXO schema dbo: SQL Server is not reachable: .*\n$/],
    [{ EXO_DB_SERVER: 'exo-sql', EXO_DB_PORT: 'eighty' }, /^exo-numerik: configuration: database\.port \(from EXO_DB_PORT\): .*expected number.*\n$/],
    [{ EXO_DB_CLIENT: 'oracle' }, /^exo-numerik: configuration: database\.client \(from EXO_DB_CLIENT\): .*"pglite"\|"postgres"\|"mssql".*\n$/],
    [
      { EXO_DB_SERVER: 'exo-sql', EXO_DB_NAME: 'EXO', EXO_DB_AUTHENTICATION: 'ntlm', EXO_DB_USER: 'svc_exo', EXO_DB_PASSWORD: 'secret' },
      /^exo-numerik: database\.domain \(EXO_DB_DOMAIN\): a Windows login \(database\.authentication ntlm\) needs the account's domain \(or give database\.user as DOMAIN\\user\)\n$/,
    ],
    [{ EXO_DB_SERVER: 'exo-sql', EXO_DB_NAME: 'EXO', EXO_DB_USER: 'CORP\\svc_exo' }, /^exo-numerik: database\.password \(EXO_DB_PASSWORD\): a Windows login .* needs the account's password .*\n$/],
    [{ EXO_DB_SERVER: 'exo-sql', EXO_DB_AUTHENTICATION: 'kerberos', EXO_DB_PASSWORD: 'secret' }, /^exo-numerik: configuration: database\.authentication \(from EXO_DB_AUTHENTICATION\): .*"sql"\|"ntlm".*\n$/],
  ])('%o', async (env, message) => {
    const r = await runCli(['migrate', 'status'], { cwd: workdir(), env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('secret');
  });

  it('a config file with a misspelt key or broken JSON', async () => {
    const cwd = workdir();
    writeFileSync(path.join(cwd, 'exo-numerik.config.json'), JSON.stringify({ database: { sever: 'exo-sql' } }));
    const typo = await runCli(['migrate', 'status'], { cwd });
    expect(typo.stderr).toBe('exo-numerik: config exo-numerik.config.json: database: Unrecognized key: "sever"\n');
    writeFileSync(path.join(cwd, 'broken.json'), '{ "database": ');
    const broken = await runCli(['--config', 'broken.json', 'migrate', 'status'], { cwd });
    expect(broken.stderr).toBe('exo-numerik: config file broken.json is not valid JSON: line 1, column 15 (at database): value expected\n');
    expect(broken.code).toBe(1);
    // A broken secret: where it is, never what it says.
    writeFileSync(path.join(cwd, 'secret.json'), '{\n  "numerik": {\n    "token": "tok-SECRET-42\n  }\n}');
    const leaky = await runCli(['--config', 'secret.json', 'migrate', 'status'], { cwd });
    expect(leaky.stderr).toMatch(/^exo-numerik: config file secret\.json is not valid JSON: line 3, column \d+ \(at numerik\.token\): [a-z ]+\n$/);
    expect(leaky.stderr).not.toContain('SECRET');
  });

  it.each([
    ['a trailing comma', '{ "numerik": { "token": "tok-SECRET-1", } }', /^line 1, column 41 \(at numerik\): property name expected$/],
    ['a comment', '{ // tok-SECRET-2\n}', /^line 1, column 3: invalid comment token$/],
    ['an unterminated secret', '{ "database": { "password": "SECRET-3', /^line 1, column 29 \(at database\.password\): unexpected end of string$/],
    ['a lone value', '"SECRET-4"', /^the top level must be an object$/],
    ['nothing', '', /^line 1, column 1: value expected$/],
  ])('a config file with %s: where it is, never what it says', async (_, text, reason) => {
    const cwd = workdir();
    writeFileSync(path.join(cwd, 'exo-numerik.config.json'), text);
    const r = await runCli(['migrate', 'status'], { cwd });
    expect(r.code).toBe(1);
    const line = r.stderr.replace(/^exo-numerik: config (file )?exo-numerik\.config\.json( is not valid JSON)?: /, '').trimEnd();
    expect(line).toMatch(reason);
    expect(r.stderr).not.toContain('SECRET');
  });

  it('serve: an unreachable Numerik, a wrong token, a port in use: one line each, exit 1', async () => {
    const cwd = workdir();
    expect((await runCli(['demo', 'create'], { cwd })).code).toBe(0);
    const unreachable = await runCli(['serve'], { cwd, env: { NUMERIK_API_URL: 'http://127.0.0.1:1', NUMERIK_TOKEN: 'secret-token' } });
    expect(unreachable).toMatchObject({ code: 1, stdout: '' });
    expect(unreachable.stderr).toMatch(/^exo-numerik: cannot start: Numerik not reachable \(ECONNREFUSED\) \(GET \/users\) \(check NUMERIK_API_URL and NUMERIK_TOKEN; `exo-numerik doctor` checks everything\)\n$/);
    const sandbox = await startSandbox();
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const refused = await runCli(['serve'], { cwd, env: { NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: 'secret-wrong' } });
      expect(refused.stderr).toMatch(/^exo-numerik: cannot start: Numerik refused the API token/);
      expect(refused.stderr.split('\n')).toHaveLength(2);
      const port = (busy.address() as AddressInfo).port;
      const inUse = await runCli(['serve'], { cwd, env: { NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: sandbox.token, EXO_API_PORT: String(port) } });
      expect(inUse.code).toBe(1);
      expect(inUse.stderr).toMatch(new RegExp(`exo-numerik: port ${port} on 127\\.0\\.0\\.1 is in use: stop what uses it, or set EXO_API_PORT\\n$`));
      expect(refused.stderr + unreachable.stderr).not.toContain('secret');
    } finally {
      busy.close();
      await sandbox.close();
    }
  });

  it('an Exo database without TASKS', async () => {
    const cwd = workdir();
    const r = await runCli(['migrate', 'up', '--yes'], { cwd, env: { EXO_PGLITE_DIR: path.join(cwd, 'empty') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('exo-numerik: TASKS is missing in schema public: this does not look like an Exo Business database\n');
  });
});
