import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runCli } from '../support/cli.js';

describe('exo-numerik preview', () => {
  let sandbox: Sandbox;
  let cwd: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox();
    cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-preview-'));
    expect((await runCli(['demo', 'create'], { cwd })).code).toBe(0);
    // Linked in Numerik, not yet in Exo: the preview decides with the links the service would make first.
    sandbox.store.upsertCustomer({ name: 'Acme Ltd', external_ref: 'DR:101' });
    sandbox.store.upsertCustomer({ name: 'Harbour Cafe', external_ref: 'NA:3' });
    env = { NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: sandbox.token, EXO_TIME_ZONE: 'Pacific/Auckland' };
  });
  afterAll(() => sandbox.close());

  it('prints a table of what each queued activity would get, the summary, and that nothing was written', async () => {
    const r = await runCli(['preview'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Preview: decided as the sync decides; nothing is written to Exo or Numerik\./);
    expect(r.stdout).toMatch(/^outbound +activity \d+ +create +a new (task|note)/m);
    expect(r.stdout).toMatch(/^outbound +activity \d+ +park +customer not linked/m);
    expect(r.stdout).toMatch(/^Exo → Numerik: create 2, park 1$/m);
    expect(r.stdout).toMatch(/Nothing was written to Exo or Numerik\.\n$/);
    expect(sandbox.store.posts.size).toBe(0);
  });

  it('--json: one object a line, the summary last; --csv: a spreadsheet with a header', async () => {
    const json = await runCli(['preview', '--json'], { cwd, env });
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ summary: { counts: { outbound: { create: 2, park: 1 } }, unreadable: [] } });
    expect(lines[0]).toMatchObject({ direction: 'outbound', source: 'queue', decision: expect.any(String) });
    const csv = await runCli(['preview', '--csv', 'preview.csv'], { cwd, env });
    expect(csv.code).toBe(0);
    const file = readFileSync(path.join(cwd, 'preview.csv'), 'utf8');
    expect(file.split('\r\n')[0] ?? file.split('\n')[0]).toMatch(/^\uFEFF?direction,source,activitySeqno,postId,decision,reason,exoText,numerikText/);
    expect(file).toContain(',park,customer not linked,');
  });

  it.each([['--since', 'last week'], ['--since', '2026-13-45'], ['--until', '2026-01-01T25:00']])('refuses %s %j, a date it cannot read or that does not exist, before anything runs', async (option, text) => {
    const r = await runCli(['preview', '--since', '2026-01-01', option, text], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`"${text}" is not a date: use YYYY-MM-DD`);
  });
});
