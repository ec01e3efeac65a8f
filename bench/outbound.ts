import { claimOf } from '../sync/mapping/external-ref.js';
import type { WebhookEvent } from '../sync/numerik/types.js';
import { waitFor } from '../test/support/processes.js';
import { syncFixture, type SyncFixture } from '../test/support/sync.js';
import { peakRssByHalf, spawnBenchCli } from './processes.js';
import { DEFAULT_BENCH_PG_URL, median, openEngine, percentile } from './engines.js';

const LATENCY_MS = 20;

/**
 * Drains `count` queued activities with a real `exo-numerik worker` process (the sandbox, which
 * keeps every post in memory, stays in this one); returns activities/s and the worker's peak RSS.
 */
async function drainRun(f: SyncFixture, url: string, count: number): Promise<{ perSecond: number; firstHalfMb: number; secondHalfMb: number }> {
  await f.seed.tasks(count, (i) => ({ subject: `Bench ${i}`, details: `Details of activity ${i}`, companyId: 'D101', assignedTo: f.staff.ann }));
  const before = f.sandbox.store.posts.size;
  const worker = spawnBenchCli(f, url, ['worker']);
  const rss = peakRssByHalf(worker.child.pid!, () => (f.sandbox.store.posts.size - before) / count);
  const started = performance.now();
  await waitFor(async () => f.sandbox.store.posts.size - before >= count, 600_000, 'the queue to be sent');
  const seconds = (performance.now() - started) / 1000;
  await waitFor(async () => (await f.queueDepth()) === 0, 600_000, 'the queue to drain');
  const [firstHalfMb, secondHalfMb] = rss.stop();
  worker.child.kill('SIGTERM');
  await worker.exited;
  return { perSecond: count / seconds, firstHalfMb, secondHalfMb };
}

/**
 * Commit of a TASKS insert → post visible in the sandbox, at a steady `rate` changes per second,
 * sent by whichever worker runs.
 */
export async function liveLatencies(f: SyncFixture, rate: number, seconds: number): Promise<number[]> {
  const committed = new Map<number, number>();
  const latencies: number[] = [];
  const onEvent = (event: WebhookEvent) => {
    if (event.type !== 'post.created') return;
    const ref = f.sandbox.store.posts.get(event.data.post_id)?.external_ref ?? '';
    const at = committed.get(claimOf(ref)?.seqno ?? -1);
    if (at !== undefined) latencies.push(performance.now() - at);
  };
  f.sandbox.store.events.on('event', onEvent);
  const total = rate * seconds;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const seqno = await f.seed.task({ subject: `Live ${i}`, companyId: 'D101' });
    committed.set(seqno, performance.now());
  }
  await waitFor(async () => latencies.length >= total, 60_000, 'every live change to arrive');
  f.sandbox.store.events.off('event', onEvent);
  return latencies;
}

/** `npm run bench -- outbound`: the Exo → Numerik worker on the PostgreSQL server, Numerik 20 ms away. */
export async function benchOutbound(): Promise<void> {
  const url = process.env.EXO_BENCH_PG_URL ?? process.env.EXO_TEST_PG_URL ?? DEFAULT_BENCH_PG_URL;
  const engine = await openEngine({ client: 'postgres', url, schema: 'public' });
  console.log(`outbound worker on PostgreSQL, Numerik sandbox latency ${LATENCY_MS} ms per request`);
  try {
    const f = await syncFixture({ fresh: () => engine.schema() }, { pollSeconds: 0.2 });
    f.sandbox.faults.set({ latencyMs: LATENCY_MS });
    try {
      const drain = await drainRun(f, url, 10_000);
      console.log(`  drain 10,000 queued activities: ${drain.perSecond.toFixed(0)} activities/s (target ≥ 200)`);
      const long = await drainRun(f, url, 20_000);
      console.log(
        `  worker peak RSS draining 20,000: ${long.firstHalfMb.toFixed(0)} MB in the first half, ${long.secondHalfMb.toFixed(0)} MB in the second ` +
          `(ratio ${(long.secondHalfMb / long.firstHalfMb).toFixed(2)}×; flat = does not grow as the queue is worked through)`,
      );
      const worker = f.worker();
      worker.start();
      const latencies = await liveLatencies(f, 20, 15);
      await worker.stop();
      console.log(
        `  commit → post visible at 20 changes/s: p50 ${median(latencies).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (target p95 < 2,000 ms; poll ${0.2 * 1000} ms)`,
      );
    } finally {
      await f.close();
    }
  } finally {
    await engine.close();
  }
}
