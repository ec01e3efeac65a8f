import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../cli/running-service.js';
import { SANDBOX_TOKEN } from '../../sandbox/token.js';
import { runCli } from '../support/cli.js';
import { spawnCli, waitFor, type WorkerProcess } from '../support/processes.js';

const ROOT = path.join(import.meta.dirname, '..', '..');

describe("the README's `npm start`: a demo with no configuration", () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-start-'));
  const env = { EXO_API_PORT: '0', EXO_SANDBOX_PORT: '0', HOME: cwd };
  let start: WorkerProcess;
  let running: RunningService;
  const cli = (...args: string[]) => runCli(args, { cwd, env });
  const sandboxPosts = async () => {
    const answer = await fetch(`${running.sandboxUrl}/posts`, { headers: { authorization: `Bearer ${SANDBOX_TOKEN}` } });
    return ((await answer.json()) as { data: { id: string; body_text: string; external_ref: string | null }[] }).data;
  };
  const launch = async () => {
    // What `npm start` runs, in a folder of its own.
    start = spawnCli(['start'], { ...env, EXO_LOG_LEVEL: 'warn' }, { cwd });
    await waitFor(() => /status page: /.test(start.output()), 90_000, 'the demo to start');
    running = JSON.parse(readFileSync(path.join(cwd, '.exo-numerik', 'service.json'), 'utf8')) as RunningService;
  };

  beforeAll(async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe('node bin/exo-numerik.js start');
    await launch();
  }, 120_000);
  afterAll(async () => {
    start?.child.kill('SIGTERM');
    await start?.exited;
  });

  it('prints the status page with its token, and the demo activities arrive in the sandbox', async () => {
    expect(start.output()).toMatch(new RegExp(`status page: ${running.url}/status#token=${running.adminToken}`));
    // Why the token in the scrollback is no leak, said where it is printed.
    expect(start.output()).toContain(`(the demo's own admin token, kept in ${path.join(cwd, '.exo-numerik', 'admin-token')}: what follows # stays in the browser`);
    await waitFor(async () => (await sandboxPosts()).filter((p) => p.external_ref?.startsWith('exo-task:')).length >= 3, 20_000, 'the demo activities to become posts');
  });

  it('an activity edited in Exo (`demo edit`) appears as its post in the sandbox within seconds', async () => {
    const edit = await cli('demo', 'edit', '1', '--text', 'Call Jo back\\nHe wants 40 chairs');
    expect(edit.stdout).toBe('activity 1 saved in Exo; its post follows in a moment\n');
    await waitFor(async () => (await sandboxPosts()).some((p) => p.external_ref?.startsWith('exo-task:1:') && p.body_text === 'Call Jo back\nHe wants 40 chairs'), 10_000, 'the post to follow');
  });

  it('and the reverse: a post edited in Numerik updates its activity', async () => {
    const post = (await sandboxPosts()).find((p) => p.external_ref?.startsWith('exo-task:2:'))!;
    expect((await cli('demo', 'edit', '--post', post.id, '--text', 'Site visit moved\\nNow on Friday')).code).toBe(0);
    await waitFor(async () => (await cli('demo', 'show')).stdout.includes('     2  Site visit moved  → '), 10_000, 'the activity to follow');
  });

  it('status, settings and retry reach the embedded database through the running service', async () => {
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Exo → Numerik {3}last success 20\d\d-/);
    expect((await cli('settings', 'set', 'conflictPolicy', 'exo-wins')).stdout).toBe('conflictPolicy = "exo-wins"\n');
    expect((await cli('settings', 'get', 'conflictPolicy')).stdout).toMatch(/^conflictPolicy +"exo-wins" +\(stored\)\n$/);
    const bad = await cli('settings', 'set', 'maxAttempts', 'many');
    expect(bad).toMatchObject({ code: 1, stderr: 'exo-numerik: maxAttempts: Invalid input: expected number, received string (got "many")\n' });
    expect((await cli('retry', '--all')).stdout).toBe('queued again: 0\n');
  });

  it('beside the running demo, doctor checks its Numerik and says the demo holds the database; migrate status says so too', async () => {
    const doctor = await cli('doctor');
    expect(doctor.stdout).toContain(`--    database: the demo (pid ${running.pid}) holds its embedded database`);
    expect(doctor.stdout).toContain('ok    numerik: reachable, the token accepted');
    expect(doctor.stdout).not.toContain('numerik.apiUrl is not set');
    const status = await cli('migrate', 'status');
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(new RegExp(`^exo-numerik: the demo \\(pid ${running.pid}\\) holds the embedded database in .+: stop it first`));
  });

  it('a reader that stops early (`settings get | head`) is no failure: no stack trace', async () => {
    const child = spawnCli(['settings', 'get'], env, { cwd });
    child.child.stdout!.destroy();
    expect(await child.exited).toBe(0);
    expect(child.output()).not.toMatch(/EPIPE|at \w+ \(/);
  });

  it('stops on SIGTERM, and a second start carries on with the same Exo and Numerik (no duplicates)', async () => {
    const posts = (await sandboxPosts()).length;
    const token = running.adminToken;
    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
    expect(existsSync(path.join(cwd, '.exo-numerik', 'service.json'))).toBe(false);
    expect((await cli('demo', 'show')).stderr).toBe('exo-numerik: no demo is running here: start it with `npm start` (in this folder)\n');
    await launch();
    expect(start.output()).not.toContain('created a demo Exo company');
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await sandboxPosts()).length).toBe(posts);
    expect((await cli('demo', 'show')).stdout).toContain('Site visit moved');
    // The same status page address (and token) as before.
    expect(running.adminToken).toBe(token);
  }, 120_000);
});
