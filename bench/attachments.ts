import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pidusage from 'pidusage';
import { ATTACHMENTS_JOB, storeEvent } from '../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../db/plugin/objects.js';
import { writeSetting } from '../db/plugin/settings.js';
import { InboundWorker } from '../sync/inbound/worker.js';
import type { PostInput } from '../sync/numerik/types.js';
import { optionsSource } from '../sync/options-source.js';
import { waitFor } from '../test/support/processes.js';
import { syncFixture, type SyncFixture } from '../test/support/sync.js';
import { DEFAULT_BENCH_PG_URL, openEngine } from './engines.js';
import { spawnBenchCli } from './processes.js';

const MB = 2 ** 20;

async function inboxDepth(f: SyncFixture): Promise<number> {
  return Number(((await f.db.table(OBJECTS.inbox).count({ n: '*' }))[0] as { n: number | string }).n);
}

/**
 * `files` attachments of `size` bytes, one per post, already linked to activities; then a real
 * `exo-numerik worker --direction inbound` process downloads them all. Returns MB/s and the worker's
 * idle and peak RSS.
 */
async function downloadRun(f: SyncFixture, url: string, files: number, size: number): Promise<{ mbPerSecond: number; idleMb: number; peakMb: number }> {
  const root = await mkdtemp(path.join(tmpdir(), 'exo-bench-attachments-'));
  // One buffer shared by every attachment: the sandbox's memory stays flat, only the worker's counts.
  const content = Buffer.alloc(size, 'a');
  const posts = Array.from({ length: files }, (_, i) => f.sandbox.store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: `Files ${i}` } as PostInput, f.users.ann).post);
  for (const p of posts) await storeEvent(f.db, { eventId: `evt_${p.id}`, type: 'post.created', postId: p.id, version: 1, source: 'webhook' });
  await new InboundWorker({ db: f.db, client: f.client, options: optionsSource(f.db, f.options), batchSize: 200, concurrency: 32 }).drain();
  for (const p of posts) f.sandbox.store.putAttachment(p.id, { filename: `file-${p.id}.bin`, contentType: 'application/octet-stream', content });

  for (const [key, value] of Object.entries({ downloadAttachments: true, attachmentsRoot: root, maxAttachmentBytes: 2 * size })) await writeSetting(f.db, key, value, 'bench');
  const worker = spawnBenchCli(f, url, ['worker', '--direction', 'inbound'], { EXO_LOG_LEVEL: 'info', EXO_WORKER_BATCH_SIZE: '100', EXO_WORKER_CONCURRENCY: '16' });
  try {
    await waitFor(() => /workers started/.test(worker.output()), 60_000, 'the worker to start');
    await new Promise((r) => setTimeout(r, 1000));
    const idle = (await pidusage(worker.child.pid!)).memory;
    let peak = idle;
    const sampler = setInterval(() => void pidusage(worker.child.pid!).then((u) => (peak = Math.max(peak, u.memory)), () => undefined), 50);
    const started = performance.now();
    for (const p of posts) {
      const { version } = f.sandbox.store.posts.get(p.id)!;
      await storeEvent(f.db, { eventId: `${ATTACHMENTS_JOB}:${p.id}:${version}`, type: ATTACHMENTS_JOB, postId: p.id, version, source: 'webhook' });
    }
    await waitFor(async () => (await inboxDepth(f)) === 0, 600_000, 'the downloads');
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const served = f.sandbox.calls.get('GET /posts/:id/attachments/:id/content') ?? 0;
    if (served !== files) throw new Error(`the sandbox served ${served} downloads, not ${files}: the bench did not measure what it says`);
    return { mbPerSecond: (files * size) / MB / seconds, idleMb: idle / MB, peakMb: peak / MB };
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
    await rm(root, { recursive: true, force: true });
  }
}

/** `npm run bench -- attachments`: streaming downloads into activity folders, on the PostgreSQL server. */
export async function benchAttachments(): Promise<void> {
  const url = process.env.EXO_BENCH_PG_URL ?? process.env.EXO_TEST_PG_URL ?? DEFAULT_BENCH_PG_URL;
  const engine = await openEngine({ client: 'postgres', url, schema: 'public' });
  console.log('attachments (Numerik → activity folders) on PostgreSQL, worker in its own process');
  try {
    const runs: [string, number, number][] = [
      ['200 files of 1 MB', 200, MB],
      ['16 files of 25 MB', 16, 25 * MB],
    ];
    const results = [];
    for (const [label, files, size] of runs) {
      const f = await syncFixture({ fresh: () => engine.schema() });
      try {
        const r = await downloadRun(f, url, files, size);
        results.push(r);
        console.log(`  ${label}: ${r.mbPerSecond.toFixed(1)} MB/s; worker RSS idle ${r.idleMb.toFixed(0)} MB, peak ${r.peakMb.toFixed(0)} MB (+${(r.peakMb - r.idleMb).toFixed(0)} MB)`);
      } finally {
        await f.close();
      }
    }
    const [small, big] = results;
    console.log(`  peak RSS with 25× larger files: ${(big!.peakMb / small!.peakMb).toFixed(2)}× (target: streaming, ~1×)`);
  } finally {
    await engine.close();
  }
}
