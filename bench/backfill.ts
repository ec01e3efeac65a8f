import { OBJECTS } from '../db/plugin/objects.js';
import { waitFor } from '../test/support/processes.js';
import { syncFixture } from '../test/support/sync.js';
import { DEFAULT_BENCH_PG_URL, median, openEngine, percentile } from './engines.js';
import { liveLatencies } from './outbound.js';
import { peakRssByHalf, spawnBenchCli } from './processes.js';

const COUNT = Number(process.env.BENCH_BACKFILL_COUNT ?? 100_000);
const LATENCY_MS = 20;

/**
 * `npm run bench -- backfill`: a real `exo-numerik backfill` process sends 100,000 historical
 * activities (Numerik 20 ms away) while live changes are made; its throughput, its peak RSS early and
 * late (flat = constant memory), and how long the live changes took to arrive meanwhile.
 */
export async function benchBackfill(): Promise<void> {
  const url = process.env.EXO_BENCH_PG_URL ?? process.env.EXO_TEST_PG_URL ?? DEFAULT_BENCH_PG_URL;
  const engine = await openEngine({ client: 'postgres', url, schema: 'public' });
  console.log(`backfill of ${COUNT.toLocaleString('en')} historical activities on PostgreSQL, Numerik sandbox latency ${LATENCY_MS} ms`);
  try {
    const f = await syncFixture({ fresh: () => engine.schema() }, { pollSeconds: 0.2 });
    try {
      for (let done = 0; done < COUNT; done += 10_000) {
        await f.seed.tasks(Math.min(10_000, COUNT - done), (i) => ({ subject: `History ${done + i}`, details: `Old activity ${done + i}`, companyId: 'D101', assignedTo: f.staff.ann }));
      }
      // History: in TASKS from before the sync was enabled, so never queued (the seeding's many-row
      // INSERTs left sets to split, which the live lane would otherwise send as 100,000 live changes).
      await f.db.table(OBJECTS.queue).del();
      await f.db.table(OBJECTS.queueSets).del();
      f.sandbox.faults.set({ latencyMs: LATENCY_MS });
      const before = f.sandbox.store.posts.size;
      const backfill = spawnBenchCli(f, url, ['backfill', '--since', '2000-01-01']);
      const rss = peakRssByHalf(backfill.child.pid!, () => (f.sandbox.store.posts.size - before) / COUNT, 200);
      const started = performance.now();
      let exited: number | null | undefined;
      void backfill.exited.then((code) => (exited = code));
      await waitFor(
        async () => {
          if (exited !== undefined) throw new Error(`the backfill ended with ${exited} before it got going:\n${backfill.output().slice(-2000)}`);
          return f.sandbox.store.posts.size - before >= COUNT / 10;
        },
        600_000,
        'the backfill to get going',
      );
      const live = await liveLatencies(f, 5, 20);
      // The live changes count only as "during the backfill" if history was still being sent after them.
      const historySentByThen = f.sandbox.store.posts.size - before - live.length;
      const code = await backfill.exited;
      const seconds = (performance.now() - started) / 1000;
      const [firstMb, secondMb] = rss.stop();
      const sent = f.sandbox.store.posts.size - before - live.length;
      if (code !== 0 || sent < COUNT) throw new Error(`the backfill ended with ${code} after sending ${sent} of ${COUNT}:\n${backfill.output().slice(-2000)}`);
      console.log(`  throughput: ${(COUNT / seconds).toFixed(0)} activities/s (${seconds.toFixed(0)} s in all)`);
      console.log(
        `  backfill process peak RSS: ${firstMb.toFixed(0)} MB in the first half, ${secondMb.toFixed(0)} MB in the second ` +
          `(ratio ${(secondMb / firstMb).toFixed(2)}×; target flat, under 300 MB)`,
      );
      const p95 = percentile(live, 95);
      console.log(
        `  live changes during the backfill (5/s for 20 s, while history went from ${(COUNT / 10).toLocaleString('en')} to ${historySentByThen.toLocaleString('en')} sent): ` +
          `commit → post p50 ${median(live).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${Math.max(...live).toFixed(0)} ms (target p95 < 2,000 ms)`,
      );
      if (historySentByThen >= COUNT) throw new Error('the backfill finished before the live changes did: they were not measured during it (a larger BENCH_BACKFILL_COUNT)');
      if (p95 >= 2_000) throw new Error(`live changes during the backfill: p95 ${p95.toFixed(0)} ms, over the 2,000 ms target`);
    } finally {
      await f.close();
    }
  } finally {
    await engine.close();
  }
}
