import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pidusage from 'pidusage';
import { waitFor } from '../test/support/processes.js';
import { syncFixture } from '../test/support/sync.js';
import { DEFAULT_BENCH_PG_URL, median, openEngine } from './engines.js';
import { peakRssByHalf, spawnBenchCli } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DRAIN = 20_000;

/** The README's `npm start` in its own demo folder, timed from the command to a status page that answers. */
async function timedStart(demoDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', EXO_PGLITE_DIR: path.join(demoDir, 'pglite'), EXO_API_PORT: '0', EXO_SANDBOX_PORT: '0', EXO_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    // Its own process group: Ctrl+C at a terminal reaches npm, its shell and exo-numerik alike.
    detached: true,
  });
  try {
    await waitFor(async () => {
      try {
        const { url } = JSON.parse(readFileSync(path.join(demoDir, 'service.json'), 'utf8')) as { url: string };
        return (await fetch(`${url}/status`)).status < 500;
      } catch {
        return false;
      }
    }, 120_000, '`npm start` to serve its status page');
    return performance.now() - started;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
}

/** Peak RSS of `pid` over `ms`, in MB. */
async function peakRss(pid: number, ms: number): Promise<number> {
  let peak = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    peak = Math.max(peak, (await pidusage(pid)).memory);
    await new Promise((r) => setTimeout(r, 100));
  }
  return peak / 2 ** 20;
}

/**
 * `npm run bench -- start`: how long the README's `npm start` takes to a status page that answers
 * (first start, which creates the demo company, then a second start; median of the seconds), and
 * what `exo-numerik serve` holds in memory idle and while it drains 20,000 activities changed by one
 * statement (PostgreSQL server, the sandbox as Numerik).
 */
export async function benchStart(): Promise<void> {
  const demoDir = mkdtempSync(path.join(tmpdir(), 'exo-numerik-bench-start-'));
  const first = await timedStart(demoDir);
  const seconds = [await timedStart(demoDir), await timedStart(demoDir), await timedStart(demoDir)];
  console.log(`npm start to its status page: first start ${(first / 1000).toFixed(2)} s, second start ${(median(seconds) / 1000).toFixed(2)} s (median of ${seconds.length}; target ≤ 3 s)`);

  const url = process.env.EXO_BENCH_PG_URL ?? process.env.EXO_TEST_PG_URL ?? DEFAULT_BENCH_PG_URL;
  const engine = await openEngine({ client: 'postgres', url, schema: 'public' });
  const f = await syncFixture({ fresh: () => engine.schema() }, { pollSeconds: 0.2 });
  try {
    const serve = spawnBenchCli(f, url, ['serve'], { EXO_API_PORT: '0' });
    await waitFor(() => /serving on/.test(serve.output()), 60_000, '`serve` to listen');
    await new Promise((r) => setTimeout(r, 2000));
    const idle = await peakRss(serve.child.pid!, 3000);
    const before = f.sandbox.store.posts.size;
    await f.seed.tasks(DRAIN, (i) => ({ subject: `Serve ${i}`, details: `Details of activity ${i}`, companyId: 'D101', assignedTo: f.staff.ann }));
    const rss = peakRssByHalf(serve.child.pid!, () => (f.sandbox.store.posts.size - before) / DRAIN, 200);
    await waitFor(() => f.sandbox.store.posts.size - before >= DRAIN, 600_000, `${DRAIN} posts`);
    const [firstHalf, secondHalf] = rss.stop();
    const after = await peakRss(serve.child.pid!, 3000);
    serve.child.kill('SIGTERM');
    await serve.exited;
    console.log(
      `serve RSS: idle ${idle.toFixed(0)} MB; draining ${DRAIN.toLocaleString('en')} activities: peak ${firstHalf.toFixed(0)} MB in the first half, ${secondHalf.toFixed(0)} MB in the second ` +
        `(${(secondHalf / firstHalf).toFixed(2)}×); idle again ${after.toFixed(0)} MB (target ≤ 120 MB and flat)`,
    );
  } finally {
    await f.close();
    await engine.close();
  }
}
