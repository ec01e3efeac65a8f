import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrationOptions } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { addDemoActivities, createDemoExo } from '../db/exo/fixture/demo.js';
import { Migrator } from '../migrations/runner.js';
import { BIN } from '../test/support/cli.js';
import { spawnCli, waitFor } from '../test/support/processes.js';
import { benchTargets, median, openEngine } from './engines.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

/** One command's wall time, in ms (spawned and waited for, as an operator's shell would). */
function wall(args: string[], cwd: string, env: Record<string, string> = {}): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', EXO_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return performance.now() - started;
}

/** What `status` on a database server cannot do without: its libraries loaded, nothing run. */
const STATUS_LIBRARIES = `await Promise.all(['commander', 'zod', 'jsonc-parser', 'knex', 'pg'].map((m) => import(m)));`;
const PGLITE_OPEN = `const { PGlite } = await import('@electric-sql/pglite'); const db = await PGlite.create(process.argv[1]); await db.query('select 1'); await db.close();`;

/**
 * What an operator waits for at the terminal, against a bare `node -e 0`, in alternating rounds of
 * one run: `--help`, `doctor --help`, and `status` three ways: on a PostgreSQL server (as on a
 * customer's SQL Server: a connection and a few queries), through a running demo's API, and on the
 * embedded database with nothing running (which must start PGlite: its bare start is shown beside).
 * Beside the first, the floor of any such `status`: loading the libraries it needs, and nothing more.
 */
export async function benchCli(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '..');
  const embedded = mkdtempSync(path.join(tmpdir(), 'exo-numerik-bench-cli-'));
  wall([BIN, 'demo', 'create'], embedded);

  const engine = await openEngine(benchTargets()[0]!.target);
  const db = await engine.schema();
  await createDemoExo(db);
  await new Migrator(db, { options: migrationOptions(loadConfig({ env: {} })) }).up();
  await addDemoActivities(db);
  const server = { EXO_DB_CLIENT: 'postgres', EXO_DB_URL: db.target.client === 'postgres' ? db.target.url : '', EXO_DB_SCHEMA: db.target.schema };

  const running = mkdtempSync(path.join(tmpdir(), 'exo-numerik-bench-cli-'));
  const demo = spawnCli(['start'], { EXO_API_PORT: '0' }, { cwd: running });
  try {
    await waitFor(() => {
      try {
        return Boolean(JSON.parse(readFileSync(path.join(running, '.exo-numerik', 'service.json'), 'utf8')));
      } catch {
        return false;
      }
    }, 60_000, 'the demo to start');

    const commands: [string, () => number][] = [
      ['node -e 0', () => wall(['-e', '0'], embedded)],
      ['exo-numerik --help', () => wall([BIN, '--help'], embedded)],
      ['exo-numerik doctor --help', () => wall([BIN, 'doctor', '--help'], embedded)],
      ['status (PostgreSQL server)', () => wall([BIN, 'status'], embedded, server)],
      ['  its libraries alone', () => wall(['--input-type=module', '-e', STATUS_LIBRARIES], root)],
      ['status (running demo)', () => wall([BIN, 'status'], running)],
      ['status (embedded, cold)', () => wall([BIN, 'status'], embedded)],
      ['  PGlite start alone', () => wall(['--input-type=module', '-e', PGLITE_OPEN, path.join(embedded, '.exo-numerik', 'pglite')], root)],
    ];
    const times = new Map(commands.map(([name]) => [name, [] as number[]]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < commands.length; k++) {
        const [name, run] = commands[(round + k) % commands.length]!;
        times.get(name)!.push(run());
      }
    }
    const bare = median(times.get('node -e 0')!);
    console.log(`operator commands, median of ${ROUNDS} alternating runs (wall time, ms; targets: --help ≤ 3×, status ≤ 5× bare node)`);
    for (const [name] of commands) {
      const m = median(times.get(name)!);
      console.log(`  ${name.padEnd(28)} ${m.toFixed(0).padStart(6)} ms  ${(m / bare).toFixed(1)}× bare node`);
    }
  } finally {
    demo.child.kill('SIGINT');
    await demo.exited;
    await engine.close();
  }
}
