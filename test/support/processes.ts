import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `exo-numerik <args>` as a real child process, with only the environment given. */
export function spawnCli(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): WorkerProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', TZ: 'Pacific/Auckland', EXO_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What a worker process needs to reach this fixture's database and Numerik. */
export function workerEnv(
  f: { db: { target: { schema: string } }; sandbox: { url: string; token: string } },
  target: { env?(schema: string): Record<string, string> },
  over: Record<string, string> = {},
): Record<string, string> {
  return {
    ...target.env!(f.db.target.schema),
    NUMERIK_API_URL: f.sandbox.url,
    NUMERIK_TOKEN: f.sandbox.token,
    EXO_TIME_ZONE: 'Pacific/Auckland',
    EXO_WORKER_LEASE_MS: '2000',
    ...over,
  };
}
