import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { MIGRATIONS } from '../../migrations/steps/index.js';

const workdir = () => mkdtempSync(path.join(tmpdir(), 'exo-numerik-cli-'));

describe('exo-numerik migrate, as a DBA runs it', () => {
  it('prints the exact T-SQL plan without any database', async () => {
    const r = await runCli(['migrate', 'plan', '--dialect', 'mssql'], { cwd: workdir(), env: { EXO_DB_URL: 'mssql://nowhere.invalid/EXO' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(import.meta.dirname, '..', 'golden', 'mssql-plan-up.sql'), 'utf8'));
  });

  it('writes a script file for sqlcmd/SSMS', async () => {
    const cwd = workdir();
    const r = await runCli(['migrate', 'script', '--dialect', 'mssql', '--out', 'install.sql'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote install\.sql: \d+ statements in 9 migration\(s\)/);
    const script = readFileSync(path.join(cwd, 'install.sql'), 'utf8');
    expect(script).toContain('CREATE TRIGGER [dbo].[X_NUMERIK_TASKS_CAPTURE] ON [dbo].[TASKS] AFTER INSERT, UPDATE, DELETE AS');
    expect(script.match(/^BEGIN TRANSACTION;$/gm)).toHaveLength(MIGRATIONS.length);
    expect(script.match(/^COMMIT TRANSACTION;$/gm)).toHaveLength(MIGRATIONS.length);
  });

  it('demo create: the embedded database gets the demo company and every migration; status, down and up follow', async () => {
    const cwd = workdir();
    const first = await runCli(['demo', 'create'], { cwd });
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('created a demo Exo company in embedded PGlite (.exo-numerik/pglite)');
    expect(first.stdout).toContain('applied 0001-plugin-tables, 0002-change-capture, 0003-folder-field, 0004-create-intents, 0005-record-fields, 0006-bulk-capture, 0007-create-intent-content, 0008-post-link-sending, 0009-post-link-ref');
    expect(first.stdout).toContain('no drift');

    const status = await runCli(['migrate', 'status', '--json'], { cwd });
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: [], drift: [], unknown: [] });

    const refused = await runCli(['migrate', 'down', '--all'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refused: not a terminal, pass --yes to confirm\n$/);

    const down = await runCli(['migrate', 'down', '--all', '--yes'], { cwd });
    expect(down.stdout).toContain('reverted 9 migration(s): 0009-post-link-ref, 0008-post-link-sending, 0007-create-intent-content, 0006-bulk-capture, 0005-record-fields, 0004-create-intents, 0003-folder-field, 0002-change-capture, 0001-plugin-tables');
    const up = await runCli(['migrate', 'up'], { cwd });
    expect(up.stdout).toContain('applied 9 migration(s)');
  });
});
