import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runCli } from '../support/cli.js';
import { spawnCli, waitFor } from '../support/processes.js';

/** Issue 24: the commands say what Numerik makes them wait for, and finish or stop with a clear line. */
describe('commands while Numerik rate-limits', () => {
  let sandbox: Sandbox;
  let cwd: string;
  const env = () => ({ NUMERIK_API_URL: sandbox.url, NUMERIK_TOKEN: sandbox.token, EXO_TIME_ZONE: 'Pacific/Auckland' });
  const allCalls = () => [...sandbox.calls.values()].reduce((a, b) => a + b, 0);

  /** A storm until `forMs` after the first call it refuses: a command's start-up time varies with the machine's load. */
  const stormAfterFirstCall = (retryAfterSeconds: number, forMs: number) => {
    const calls = allCalls();
    sandbox.faults.set({ rateLimitForMs: 600_000, retryAfterSeconds });
    void waitFor(() => allCalls() > calls, 60_000, 'a first call').then(() => setTimeout(() => sandbox.faults.clear(), forMs));
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
    sandbox.store.addUser({ name: 'Ann Smith', email: 'ann@demo.example' });
    sandbox.store.upsertCustomer({ name: 'Acme Ltd', external_ref: 'DR:101' });
    sandbox.store.upsertCustomer({ name: 'Harbour Cafe', external_ref: 'NA:3' });
    cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-waits-'));
    expect((await runCli(['demo', 'create'], { cwd })).code).toBe(0);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.faults.clear());

  it('sync --once, Retry-After 0: the normal backoff, five calls, then one line and exit 1', async () => {
    sandbox.faults.set({ rateLimitForMs: 60_000, retryAfterSeconds: 0 });
    const calls = allCalls();
    const started = Date.now();
    const r = await runCli(['sync', '--once'], { cwd, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exo-numerik: Numerik answered 429: injected fault \(GET \/\w+\)\n$/);
    expect(allCalls() - calls).toBe(5);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('sync --once, Retry-After 5: says the wait, waits, and sends', async () => {
    stormAfterFirstCall(5, 4_000);
    const r = await runCli(['sync', '--once'], { cwd, env: env() });
    expect(r.stderr).toContain('Numerik asks to wait 5 s (429)\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^exo → numerik: created 2, .*still queued 0\n$/);
  });

  it('sync --once, Retry-After 900: says it, does not sleep it, stops at once with when to try again', async () => {
    sandbox.faults.set({ rateLimitForMs: 60_000, retryAfterSeconds: 900 });
    const calls = allCalls();
    const started = Date.now();
    const r = await runCli(['sync', '--once'], { cwd, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Numerik asks to wait 900 s (429)\n');
    expect(r.stderr).toMatch(new RegExp(`exo-numerik: ${longWait.source} \\(GET /\\w+\\)\n$`));
    expect(allCalls() - calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  const longWait = /Numerik asks to wait 9\d\d s \(429\), longer than the 60 s exo-numerik waits at a time: try again after \d\d:\d\d:\d\d UTC/;

  it('preview, Retry-After 900: finishes, saying what it could not read and until when Numerik asks to wait, having called it once', async () => {
    sandbox.faults.set({ rateLimitForMs: 600_000, retryAfterSeconds: 900 });
    const calls = allCalls();
    const r = await runCli(['preview'], { cwd, env: env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Numerik asks to wait 900 s (429)\n');
    expect(r.stdout).toMatch(new RegExp(`^not read: Numerik's users \\(comment authors are shown by id\\): ${longWait.source}`, 'm'));
    expect(r.stdout).toContain('Nothing was written to Exo or Numerik.');
    expect(allCalls() - calls).toBe(1);
  });

  it('backfill, Retry-After 900: stops with one line saying until when, having called Numerik once', async () => {
    sandbox.faults.set({ rateLimitForMs: 600_000, retryAfterSeconds: 900 });
    const calls = allCalls();
    const r = await runCli(['backfill', '--since', '2020-01-01'], { cwd, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('backfill: Numerik asks to wait 900 s (429)\n');
    expect(r.stderr).toMatch(new RegExp(`exo-numerik: ${longWait.source} \\(GET /\\w+\\)\n$`));
    expect(allCalls() - calls).toBe(1);
  });

  it('backfill, a storm starting mid-run with Retry-After 900: stops with one line saying until when, resumable', async () => {
    const fresh = await startSandbox();
    try {
      fresh.store.addUser({ name: 'Ann Smith', email: 'ann@demo.example' });
      fresh.store.upsertCustomer({ name: 'Acme Ltd', external_ref: 'DR:101' });
      fresh.store.upsertCustomer({ name: 'Harbour Cafe', external_ref: 'NA:3' });
      const dir = mkdtempSync(path.join(tmpdir(), 'exo-numerik-waits-'));
      expect((await runCli(['demo', 'create'], { cwd: dir })).code).toBe(0);
      // The sends are slow: the storm set at the first create meets them all.
      fresh.faults.set({ latencyMs: 1_500 });
      void waitFor(() => (fresh.calls.get('POST /posts') ?? 0) > 0, 60_000, 'a first create').then(() => fresh.faults.set({ rateLimitForMs: 600_000, retryAfterSeconds: 900 }));
      const r = await runCli(['backfill', '--since', '2020-01-01'], { cwd: dir, env: { NUMERIK_API_URL: fresh.url, NUMERIK_TOKEN: fresh.token, EXO_TIME_ZONE: 'Pacific/Auckland' } });
      expect(r.stderr).toContain('backfill: Numerik asks to wait 900 s (429)\n');
      expect(r.stdout).toMatch(/\nbackfill stopped after \d+ queued: Numerik asks to wait until \d\d:\d\d:\d\d UTC; run the same command again after then to carry on\n$/);
      expect(r.code).toBe(1);
    } finally {
      await fresh.close();
    }
  }, 90_000);

  it('serve started during a 429 storm waits for Numerik, says so, and starts', async () => {
    stormAfterFirstCall(2, 3_000);
    const serve = spawnCli(['serve'], { ...env(), EXO_API_PORT: '0' }, { cwd });
    try {
      await waitFor(() => serve.output().includes('exo-numerik serving on'), 30_000, 'serve to start');
      // The wait said is what is left of Numerik's pause when it is said (less than asked on a loaded machine).
      expect(serve.output()).toMatch(/not started yet, Numerik answered 429: trying again in \d+ s/);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  }, 40_000);
});
