import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../db/connect.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runCli } from '../support/cli.js';

describe('exo-numerik sync --once', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('drains the demo company into Numerik and prints a summary; the unlinked account is parked', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-sync-'));
    expect((await runCli(['demo', 'create'], { cwd })).code).toBe(0);
    sandbox.store.addUser({ name: 'Ann Smith', email: 'ann@demo.example' });
    sandbox.store.upsertCustomer({ name: 'Acme Ltd', external_ref: 'DR:101' });
    sandbox.store.upsertCustomer({ name: 'Harbour Cafe', external_ref: 'NA:3' });
    const env = { NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: sandbox.token, EXO_TIME_ZONE: 'Pacific/Auckland' };
    const r = await runCli(['sync', '--once'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^exo → numerik: created 2, updated 0, unchanged \d+, skipped 0, merged 0, parked 1, retrying 0, dead letters 0, still queued 0\n$/);
    expect(r.stderr).toContain('"message":"outbound parked"');
    expect([...sandbox.store.posts.values()].map((p) => p.body_text).sort()).toEqual(['Call Jo about the quote\nJo wants a quote for 40 chairs.', 'Sent the brochure\nPosted the 2027 brochure.']);
  });

  it.each([
    [{}, 'exo-numerik: numerik.apiUrl is not set (NUMERIK_API_URL); without it `npm start` runs the demo, with its own Numerik sandbox\n'],
    [{ NUMERIK_API_URL: 'http://127.0.0.1:1' }, 'exo-numerik: numerik.token is not set (NUMERIK_TOKEN)\n'],
    [{ NUMERIK_API_URL: 'ftp://numerik', NUMERIK_TOKEN: 't' }, /^exo-numerik: configuration: numerik\.apiUrl \(from NUMERIK_API_URL\): /],
  ])('refuses to start without a usable Numerik configuration: %o', async (env, message) => {
    const r = await runCli(['sync', '--once'], { cwd: mkdtempSync(path.join(tmpdir(), 'exo-numerik-sync-')), env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('refuses to run on a database with pending migrations', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-sync-'));
    // An embedded database that exists (commands other than start and migrate up never make one).
    await (await connect({ client: 'pglite', dataDir: path.join(cwd, '.exo-numerik/pglite'), schema: 'public' })).close();
    const env = { NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: sandbox.token };
    const r = await runCli(['sync', '--once'], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('exo-numerik: 9 migration(s) pending (0001-plugin-tables, 0002-change-capture, 0003-folder-field, 0004-create-intents, 0005-record-fields, 0006-bulk-capture, 0007-create-intent-content, 0008-post-link-sending, 0009-post-link-ref): run `exo-numerik migrate up` first\n');
  });
});
