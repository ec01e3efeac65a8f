import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from '../../db/connect.js';
import { readWebhooks } from '../../db/plugin/webhook-secrets.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runCli } from '../support/cli.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

it('webhooks register stores the signing secret and never prints it; list and remove follow', async () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-hooks-'));
  expect((await runCli(['demo', 'create'], { cwd })).code).toBe(0);
  const env = { NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: sandbox.token, EXO_LOG_LEVEL: 'debug' };
  const registered = await runCli(['webhooks', 'register', '--url', 'https://exo.example.com/numerik/webhooks/numerik'], { cwd, env });
  expect(registered.code).toBe(0);
  expect(registered.stdout).toMatch(/^registered webhook whk_\w+ for https:\/\/exo\.example\.com\/numerik\/webhooks\/numerik; its secret is stored \(not shown\)\n$/);
  const [hook] = [...sandbox.webhooks.hooks.values()];
  expect(registered.stdout + registered.stderr).not.toContain(hook!.secret);

  const listed = await runCli(['webhooks', 'list'], { cwd, env });
  expect(listed.stdout).toContain(`${hook!.id}  https://exo.example.com/numerik/webhooks/numerik`);
  expect(listed.stdout).toContain('secret stored');
  expect(listed.stdout + listed.stderr).not.toContain(hook!.secret);

  const db = await connect({ client: 'pglite', dataDir: path.join(cwd, '.exo-numerik/pglite'), schema: 'public' });
  expect((await readWebhooks(db)).map((h) => h.secret)).toEqual([hook!.secret]);
  await db.close();

  const removed = await runCli(['webhooks', 'remove', hook!.id], { cwd, env });
  expect(removed.stdout).toBe(`removed webhook ${hook!.id}\n`);
  expect(sandbox.webhooks.hooks.size).toBe(0);
});

it('webhooks register without a URL says what to set', async () => {
  const r = await runCli(['webhooks', 'register'], { cwd: mkdtempSync(path.join(tmpdir(), 'exo-numerik-hooks-')), env: { NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: sandbox.token } });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/give --url, or set api\.publicUrl \(EXO_API_PUBLIC_URL\)/);
});
