import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN } from '../test/support/cli.js';
import { median } from './engines.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

/** One command's wall time, in ms (spawned and waited for, as an operator's shell would). */
function wall(args: string[], cwd: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', EXO_LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  if (r.status !== 0 && args[0] !== '-e') throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - started;
}

/**
 * What an operator waits for at the terminal: `exo-numerik --help`, `status` (on the embedded demo
 * database) and `doctor --help`, against a bare `node -e 0`, in alternating rounds of one run.
 */
export async function benchCli(): Promise<void> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'exo-numerik-bench-cli-'));
  wall([BIN, 'demo', 'create'], cwd);
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['exo-numerik --help', [BIN, '--help']],
    ['exo-numerik status', [BIN, 'status']],
    ['exo-numerik doctor --help', [BIN, 'doctor', '--help']],
  ];
  const times = new Map(commands.map(([name]) => [name, [] as number[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < commands.length; k++) {
      const [name, args] = commands[(round + k) % commands.length]!;
      times.get(name)!.push(wall(args, cwd));
    }
  }
  const bare = median(times.get('node -e 0')!);
  console.log(`operator commands, median of ${ROUNDS} alternating runs (wall time, ms)`);
  for (const [name] of commands) {
    const m = median(times.get(name)!);
    console.log(`  ${name.padEnd(26)} ${m.toFixed(0).padStart(6)} ms  ${(m / bare).toFixed(1)}× bare node`);
  }
}
