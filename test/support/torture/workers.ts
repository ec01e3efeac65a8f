import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../../../logging/logger.js';
import { InboundWorker } from '../../../sync/inbound/worker.js';
import { optionsSource } from '../../../sync/options-source.js';
import type { OutboundWorker } from '../../../sync/outbound/worker.js';
import type { WorkerProcess } from '../processes.js';
import type { SyncFixture } from '../sync.js';
import { childFailpoints } from './buggify.js';
import type { Prng } from './prng.js';

const ROOT = path.join(import.meta.dirname, '..', '..', '..');

/** What the workers said at warn and error level, for the report (counted, the last few kept). */
export class WorkerLog {
  readonly counts = { warn: 0, error: 0 };
  readonly last: string[] = [];
  readonly logger: Logger = {
    error: (m, meta) => this.add('error', m, meta),
    warn: (m, meta) => this.add('warn', m, meta),
    info: () => undefined,
    debug: () => undefined,
  };

  private add(level: 'warn' | 'error', message: string, meta?: Record<string, unknown>): void {
    this.counts[level] += 1;
    this.last.push(`${level}: ${message} ${meta ? JSON.stringify(meta).slice(0, 300) : ''}`);
    if (this.last.length > 20) this.last.shift();
  }
}

/**
 * Two workers per direction in this process, each its own claimant (own id, own lookups), sharing
 * the database and Numerik as two `exo-numerik worker` processes would. Leases are short, so a
 * worker that loses one mid-batch is part of the run too.
 */
export function inProcessWorkers(f: SyncFixture, log: WorkerLog, leaseMs: number): { outbound: OutboundWorker[]; inbound: InboundWorker[]; start(): void; stop(): Promise<void>; poke(): void } {
  const options = optionsSource(f.db, f.options);
  const outbound = [0, 1].map((i) => f.worker({ workerId: `torture-outbound-${i}`, leaseMs, logger: log.logger, options }));
  const inbound = [0, 1].map((i) => new InboundWorker({ db: f.db, client: f.client, options, workerId: `torture-inbound-${i}`, leaseMs, logger: log.logger }));
  return {
    outbound,
    inbound,
    start: () => [...outbound, ...inbound].forEach((w) => w.start()),
    stop: async () => {
      await Promise.all([...outbound, ...inbound].map((w) => w.stop()));
    },
    poke: () => inbound.forEach((w) => w.poke()),
  };
}

/**
 * `exo-numerik worker` child processes (database servers only: PGlite belongs to one process), run
 * from the sources through tsx so they are the code in the folder, never a stale build. The run
 * kills them with SIGKILL at random and starts a new one a little later; each gets random failpoint
 * sleeps (EXO_FAILPOINTS) from the seed.
 */
export class ChildWorkers {
  readonly children: WorkerProcess[] = [];
  kills = 0;
  starts = 0;
  /** Children that exited by themselves (their last output, for the report). */
  readonly exits: string[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly rng: Prng,
  ) {}

  get alive(): WorkerProcess[] {
    return this.children.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
  }

  start(): WorkerProcess {
    const failpoints = childFailpoints(this.rng);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli', 'main.ts'), 'worker'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', TZ: 'Pacific/Auckland', EXO_LOG_LEVEL: 'error', ...this.env, ...(failpoints ? { EXO_FAILPOINTS: failpoints } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM') this.exits.push(`worker ${child.pid} exited ${code ?? signal}: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      resolve(code);
    }));
    const wp: WorkerProcess = { child, output: () => output, exited };
    this.children.push(wp);
    this.starts += 1;
    return wp;
  }

  /** kill -9 of a running child, if any; true when one was killed. */
  killOne(r: number): boolean {
    const alive = this.alive;
    if (!alive.length) return false;
    alive[Math.floor(r * alive.length)]!.child.kill('SIGKILL');
    this.kills += 1;
    return true;
  }

  /** SIGTERM to each (the batch in flight finishes), SIGKILL to any still there after `graceMs`. */
  async stopAll(graceMs: number): Promise<void> {
    const alive = this.alive;
    for (const c of alive) c.child.kill('SIGTERM');
    const timer = setTimeout(() => alive.forEach((c) => c.child.exitCode === null && c.child.kill('SIGKILL')), graceMs);
    await Promise.all(alive.map((c) => c.exited));
    clearTimeout(timer);
  }

  killAll(): void {
    for (const c of this.alive) c.child.kill('SIGKILL');
  }
}
