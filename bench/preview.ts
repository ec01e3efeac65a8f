import v8 from 'node:v8';
import vm from 'node:vm';
import { defaultSyncOptions } from '../sync/options.js';
import { runPreview } from '../sync/preview/preview.js';
import { syncFixture, type SyncFixture } from '../test/support/sync.js';
import { peakRssByHalf, spawnBenchCli } from './processes.js';
import { DEFAULT_BENCH_PG_URL, openEngine } from './engines.js';

/**
 * `exo-numerik preview` as its own process over `count` activities changed in Exo and `count` Numerik
 * posts changed since the poll's start: its wall time and peak RSS. The activities are inserted by
 * bulk statements, so they wait as sets not yet split into the queue (no worker runs), which the
 * preview reads as they are. Run at two sizes: memory that stays flat as the counts double is a
 * preview that streams instead of loading everything.
 */
async function seeded(engine: Awaited<ReturnType<typeof openEngine>>, count: number): Promise<SyncFixture> {
  const f = await syncFixture({ fresh: () => engine.schema() }, { syncExoToNumerik: false, syncNumerikToExo: false });
  await f.seed.tasks(count, (i) => ({ subject: `Queued ${i}`, details: `Queued ${i}\ndetails of activity ${i}`, companyId: 'D101', assignedTo: f.staff.ann }));
  for (let i = 0; i < count; i++) f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: `Numerik post ${i}\nwritten in Numerik` }, f.users.ann);
  return f;
}

const SINCE = new Date(Date.now() - 60_000).toISOString();

async function previewRun(engine: Awaited<ReturnType<typeof openEngine>>, url: string, count: number): Promise<{ seconds: number; peakMb: number; items: number }> {
  const since = SINCE;
  const f = await seeded(engine, count);
  try {
    const started = performance.now();
    const cli = spawnBenchCli(f, url, ['preview', '--json', '--numerik-since', since]);
    let lines = 0;
    cli.child.stdout!.on('data', (d: Buffer) => (lines += d.toString().split('\n').length - 1));
    const rss = peakRssByHalf(cli.child.pid!, () => lines / (2 * count));
    const code = await cli.exited;
    const seconds = (performance.now() - started) / 1000;
    const [first, second] = rss.stop();
    if (code !== 0) throw new Error(`preview exited ${code}: ${cli.output().slice(-500)}`);
    // Both halves previewed: each activity and each post is one item.
    if (lines - 1 !== 2 * count) throw new Error(`preview gave ${lines - 1} items for ${count} activities and ${count} posts:\n${cli.output().slice(-1000)}`);
    return { seconds, peakMb: Math.max(first, second), items: lines - 1 };
  } finally {
    await f.close();
  }
}

export async function benchPreview(): Promise<void> {
  const url = process.env.EXO_BENCH_PG_URL ?? process.env.EXO_TEST_PG_URL ?? DEFAULT_BENCH_PG_URL;
  const engine = await openEngine({ client: 'postgres', url, schema: 'public' });
  console.log('exo-numerik preview --json as its own process, on PostgreSQL and the Numerik sandbox (no latency)');
  try {
    const small = await previewRun(engine, url, 10_000);
    const large = await previewRun(engine, url, 20_000);
    for (const [n, r] of [[10_000, small], [20_000, large]] as const) {
      console.log(`  ${n.toLocaleString('en')} activities in waiting bulk sets + ${n.toLocaleString('en')} Numerik posts: ${r.items.toLocaleString('en')} items in ${r.seconds.toFixed(1)} s (${(r.items / r.seconds).toFixed(0)} items/s), peak RSS ${r.peakMb.toFixed(0)} MB`);
    }
    console.log(`  peak RSS at 2× the items: ${(large.peakMb / small.peakMb).toFixed(2)}× (V8 grows its heap lazily; the live heap below is the test of streaming)`);
    // The live heap (after a full GC) during one preview of 40,000 items: flat when nothing is kept per item.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const f = await seeded(engine, 20_000);
    try {
      const samples: number[] = [];
      let n = 0;
      await runPreview(f.db, f.client, defaultSyncOptions(f.options), { numerikSince: SINCE }, () => {
        if (++n % 10_000 === 0) {
          gc();
          samples.push(process.memoryUsage().heapUsed / 2 ** 20);
        }
      });
      console.log(`  live heap after GC at 10,000 / 20,000 / 30,000 / 40,000 items (in-process, sandbox included): ${samples.map((m) => m.toFixed(1)).join(' / ')} MB: ${(samples.at(-1)! / samples[0]!).toFixed(2)}×`);
    } finally {
      await f.close();
    }
  } finally {
    await engine.close();
  }
}
