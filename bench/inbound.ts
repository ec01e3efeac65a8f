import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { storeEvent } from '../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../db/plugin/objects.js';
import { silentLogger } from '../logging/logger.js';
import { startService } from '../service/service.js';
import { InboundWorker } from '../sync/inbound/worker.js';
import type { PostInput } from '../sync/numerik/types.js';
import { optionsSource } from '../sync/options-source.js';
import { registerWebhook } from '../sync/webhooks.js';
import { readWebhooks } from '../db/plugin/webhook-secrets.js';
import { spawnCli, waitFor } from '../test/support/processes.js';
import { syncFixture, TEST_ZONE, type SyncFixture } from '../test/support/sync.js';
import { DEFAULT_BENCH_PG_URL, median, openEngine, percentile } from './engines.js';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);

async function inboxDepth(f: SyncFixture): Promise<number> {
  return Number(((await f.db.table(OBJECTS.inbox).count({ n: '*' }))[0] as { n: number | string }).n);
}

/** `npm run bench -- inbound`: the Numerik → Exo side on the PostgreSQL server. */
export async function benchInbound(): Promise<void> {
  const url = process.env.EXO_BENCH_PG_URL ?? process.env.EXO_TEST_PG_URL ?? DEFAULT_BENCH_PG_URL;
  const engine = await openEngine({ client: 'postgres', url, schema: 'public' });
  console.log('inbound (Numerik → Exo) on PostgreSQL');
  try {
    // 1. Webhook accept latency: `exo-numerik serve` as its own process (its workers busy with the
    //    events it accepts), Numerik (the sandbox, 20 ms away) in this one, the load in a third.
    //    Twice: every event a new post (the worker writes 200 activities/s while the receiver
    //    answers), then events naming 50 posts again and again (repeats, as at-least-once delivery
    //    and busy posts give); then the same load on a do-nothing route, this machine's floor.
    {
      const f = await syncFixture({ fresh: () => engine.schema() });
      const serve = spawnCli(['serve'], {
        EXO_DB_URL: url,
        EXO_DB_SCHEMA: f.db.target.schema,
        NUMERIK_API_URL: f.sandbox.url,
        NUMERIK_TOKEN: f.sandbox.token,
        EXO_TIME_ZONE: TEST_ZONE,
        EXO_API_PORT: '0',
      });
      await waitFor(() => /serving on (http:\/\/\S+) /.test(serve.output()), 60_000, 'exo-numerik serve to start');
      const serviceUrl = /serving on (http:\/\/\S+) /.exec(serve.output())![1]!;
      // Made before the webhook is registered, so the only events are the load's.
      const posts = Array.from({ length: 200 * SECONDS }, (_, i) => f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: `Load ${i}` } as PostInput, f.users.ann).post.id);
      await registerWebhook(f.db, f.client, `${serviceUrl}/webhooks/numerik`);
      const [hook] = await readWebhooks(f.db);
      f.sandbox.faults.set({ latencyMs: 20 });
      const load = async (ids: string) => {
        const args = ['--import', 'tsx', path.join(import.meta.dirname, 'load', 'webhooks.ts'), `${serviceUrl}/webhooks/numerik`, hook!.secret, '200', String(SECONDS), ids];
        const out = await run(process.execPath, args, { maxBuffer: 10 * 2 ** 20 });
        const r = JSON.parse(out.stdout) as { requests: number; non2xx: number; errors: number; latency: { p50: number; p99: number; max: number } };
        await waitFor(async () => (await inboxDepth(f)) === 0, 120_000, 'the worker to apply what was accepted');
        return r;
      };
      const report = (what: string, r: Awaited<ReturnType<typeof load>>) =>
        console.log(
          `  webhook accept, ${what}: p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms ` +
            `over ${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors (target p99 < 20 ms)`,
        );
      console.log(`  webhook accept at 200 requests/s for ${SECONDS} s each (autocannon, another process):`);
      report('every event a new post', await load(posts.join(',')));
      report('events naming 50 posts', await load(posts.slice(0, 50).join(',')));
      const base = await load('-');
      console.log(`    same load on the same server's do-nothing route (this machine's floor): p50 ${base.latency.p50} ms, p99 ${base.latency.p99} ms`);
      serve.child.kill('SIGTERM');
      await serve.exited;
      await f.close();
    }
    // 2. Apply throughput: 5,000 queued events, Numerik 20 ms away.
    {
      const f = await syncFixture({ fresh: () => engine.schema() });
      f.sandbox.faults.set({ latencyMs: 20 });
      const posts = Array.from({ length: 5000 }, (_, i) => f.sandbox.store.createPost({ type: 'task', customer_id: f.customers.acme, body_text: `Bulk ${i}\nfrom Numerik` } as PostInput, f.users.ann).post);
      for (const p of posts) await storeEvent(f.db, { eventId: `evt_${p.id}`, type: 'post.created', postId: p.id, version: 1, source: 'webhook' });
      const worker = new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options), batchSize: 200, concurrency: 32 });
      const started = performance.now();
      worker.start();
      while ((await inboxDepth(f)) > 0) await new Promise((r) => setTimeout(r, 50));
      const seconds = (performance.now() - started) / 1000;
      await worker.stop();
      console.log(`  apply 5,000 queued events (Numerik 20 ms away): ${(5000 / seconds).toFixed(0)} posts/s (target ≥ 100)`);
      await f.close();
    }
    // 3. Change in Numerik → committed TASKS row, at a steady 20 changes/s through real webhooks.
    {
      const f = await syncFixture({ fresh: () => engine.schema() });
      const service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0 } });
      await registerWebhook(f.db, f.client, `${service.url}/webhooks/numerik`);
      const changedAt = new Map<string, number>();
      const total = 20 * 15;
      const started = Date.now();
      for (let i = 0; i < total; i++) {
        await new Promise((r) => setTimeout(r, Math.max(0, started + i * 50 - Date.now())));
        const post = f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: `Live ${i}` } as PostInput, f.users.ann).post;
        changedAt.set(post.id, Date.now());
      }
      const committed = async () =>
        (await f.db.table(OBJECTS.log).where({ KIND: 'synced', DIRECTION: 'inbound' }).select('POST_ID', 'LOGGED_AT')) as { POST_ID: string; LOGGED_AT: Date }[];
      const until = Date.now() + 30_000;
      while ((await committed()).length < total && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      const latencies = (await committed()).filter((r) => changedAt.has(r.POST_ID)).map((r) => r.LOGGED_AT.getTime() - changedAt.get(r.POST_ID)!);
      console.log(`  post change → committed TASKS row at 20 changes/s: p50 ${median(latencies).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms over ${latencies.length} changes (target p95 < 2,000 ms)`);
      await service.stop();
      await f.close();
    }
  } finally {
    await engine.close();
  }
}
