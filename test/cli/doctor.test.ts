import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

it('exo-numerik doctor prints one line per check with the fix under each failure, and exits 1 when any fails', async () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-doctor-'));
  const r = await runCli(['doctor'], { cwd, env: { EXO_DB_URL: 'postgres://exo:secret@127.0.0.1:1/exo', NUMERIK_API_URL: 'http://127.0.0.1:1', NUMERIK_TOKEN: 'secret-token' } });
  expect(r.code).toBe(1);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^FAIL {2}database: PostgreSQL 127\.0\.0\.1:1\/exo schema public: PostgreSQL is not reachable/);
  expect(lines[1]).toMatch(/^ {6}→ check EXO_DB_URL/);
  expect(lines).toContainEqual(expect.stringMatching(/^WARN {2}time zone: not set/));
  expect(lines).toContainEqual(expect.stringMatching(/^FAIL {2}numerik: Numerik not reachable \(\w+\) \(GET \/users\)/));
  expect(lines).toContainEqual('--    attachments: downloadAttachments is off');
  expect(r.stdout + r.stderr).not.toContain('secret');
});
