import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { storeEvent } from '../../../db/plugin/inbox/store-event.js';
import { OBJECTS } from '../../../db/plugin/objects.js';
import { InboundWorker } from '../../../sync/inbound/worker.js';
import { NumerikClient } from '../../../sync/numerik/client.js';
import type { PostInput } from '../../../sync/numerik/types.js';
import { optionsSource } from '../../../sync/options-source.js';
import { forEachTarget } from '../../support/targets.js';
import { logEntries, syncFixture, type SyncFixture } from '../../support/sync.js';

/**
 * Issue 24: Numerik asking the attachment job for a longer wait than a worker holds work is no
 * failure of the job's: it is handed back until then, uncounted, and downloads once Numerik answers.
 */
forEachTarget('the attachment job while Numerik asks to wait', (engine) => {
  let f: SyncFixture;
  let root: string;
  let client: NumerikClient;
  type JobRow = { STATE: string; CLAIMED_BY: string | null; ATTEMPTS: number; LAST_ERROR: string | null; NEXT_ATTEMPT_AT: Date };
  const jobOf = (postId: string): Promise<JobRow[]> =>
    f.db.table(OBJECTS.inbox).where({ POST_ID: postId, EVENT_TYPE: 'attachments' }).select('STATE', 'CLAIMED_BY', 'ATTEMPTS', 'LAST_ERROR', 'NEXT_ATTEMPT_AT');
  /** Numerik answers 429 with Retry-After 8 s for 7 s: over the 5 s a worker waits while it holds work. */
  const rateLimited = () => f.sandbox.faults.set({ rateLimitForMs: 7_000, retryAfterSeconds: 8 });

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'exo-attachment-waits-'));
    f = await syncFixture(engine, { downloadAttachments: true, attachmentsRoot: root });
  });
  afterAll(async () => {
    await f.close();
    await rm(root, { recursive: true, force: true });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    f.sandbox.faults.clear();
    await client.close();
  });

  /** A Numerik post with files, written to Exo: its attachment job waits in the inbox. */
  async function postWithFiles(name: string, files = ['a.txt', 'b.txt']): Promise<{ postId: string; worker: InboundWorker }> {
    const { store } = f.sandbox;
    const { post } = store.createPost({ type: 'note', customer_id: f.customers.acme, body_text: name } as PostInput, f.users.ann);
    for (const file of files) store.putAttachment(post.id, { filename: file, contentType: 'text/plain', content: Buffer.from(`${name} ${file}`) });
    await storeEvent(f.db, { eventId: `evt_${post.id}`, type: 'post.updated', postId: post.id, version: store.getPost(post.id).version, source: 'webhook' });
    client = new NumerikClient({ baseUrl: f.sandbox.url, token: f.sandbox.token, backoff: { baseMs: 10, capMs: 100 }, onWait: () => undefined });
    const worker = new InboundWorker({ db: f.db, client, options: optionsSource(f.db, f.options), leaseMs: 10_000 });
    expect(await worker.runBatch()).toBe(1);
    expect(await jobOf(post.id)).toMatchObject([{ STATE: 'ready', ATTEMPTS: 0 }]);
    return { postId: post.id, worker };
  }

  /** The job was handed back, its attempt not counted, ready when Numerik is; then Numerik answers and the files come. */
  async function handedBackThenDownloaded(postId: string, worker: InboundWorker, asked: number, call: RegExp, files = ['a.txt', 'b.txt']): Promise<void> {
    const [row] = await jobOf(postId);
    expect(row).toMatchObject({ STATE: 'ready', CLAIMED_BY: null, ATTEMPTS: 0 });
    expect(row!.LAST_ERROR).toMatch(/^Numerik asks to wait \d+ s \(429\), longer than the 5 s exo-numerik waits at a time: try again after \d\d:\d\d:\d\d UTC/);
    expect(row!.LAST_ERROR).toMatch(call);
    // Not the backoff of a failed attempt (2 s at most): the end of Numerik's pause.
    expect(new Date(row!.NEXT_ATTEMPT_AT).getTime()).toBeGreaterThan(asked + 5_000);
    expect(worker.stats).toMatchObject({ retried: 1, dead: 0 });
    expect(await logEntries(f.db, 'dead')).toEqual([]);
    // `sync --once` waits out the pause, then takes the job again.
    await worker.drain();
    expect(await jobOf(postId)).toEqual([]);
    expect(worker.stats).toMatchObject({ retried: 1, dead: 0 });
    const [link] = (await f.db.table(OBJECTS.postLink).where({ POST_ID: postId }).select('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number }[];
    expect((await readdir(path.join(root, String(link!.ACTIVITY_SEQNO)))).sort()).toEqual([...files, 'attachments.json'].sort());
    expect((await logEntries(f.db, 'synced')).filter((e) => e.POST_ID === postId).map((e) => e.REASON)).toContain(`attachments: downloaded ${files.length}, kept 0, renamed 0, moved 0 to removed/`);
  }

  it('a 429 with a long Retry-After on reading the post hands the job back uncounted; the files come once Numerik answers', async () => {
    const { postId, worker } = await postWithFiles('Read refused');
    const asked = Date.now();
    rateLimited();
    expect(await worker.runBatch()).toBe(1);
    await handedBackThenDownloaded(postId, worker, asked, new RegExp(`GET /posts/${postId}\\)$`));
  }, 60_000);

  // Numerik answers the job's read of the post, then asks to wait: the first download meets the 429.
  for (const files of [['a.txt', 'b.txt'], ['only.txt']]) {
    it(`a 429 with a long Retry-After on a download hands the whole job back uncounted, not file by file (${files.length} file(s))`, async () => {
      const { postId, worker } = await postWithFiles('Download refused', files);
      const { store } = f.sandbox;
      const read = store.getPost.bind(store);
      const asked = Date.now();
      vi.spyOn(store, 'getPost').mockImplementationOnce((id) => {
        rateLimited();
        return read(id);
      });
      expect(await worker.runBatch()).toBe(1);
      await handedBackThenDownloaded(postId, worker, asked, /\/attachments\/[^/]+\/content\)$/, files);
    }, 60_000);
  }
});
