import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { OBJECTS } from '../../../db/plugin/objects.js';
import { writeSetting } from '../../../db/plugin/settings.js';
import type { PostInput } from '../../../sync/numerik/types.js';
import { waitFor, workerEnv } from '../../support/processes.js';
import { syncFixture, type SyncFixture } from '../../support/sync.js';
import { forEachTarget } from '../../support/targets.js';
import { trackedProcesses } from '../../support/tracked-processes.js';

forEachTarget(
  'attachments and a killed worker',
  (engine, target) => {
    let f: SyncFixture | undefined;
    let root: string | undefined;
    const processes = trackedProcesses();
    afterEach(async () => {
      await f?.close();
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('kill -9 during a download: once the next job for the folder has run, no partial file is left, and the file is whole', async () => {
      root = await mkdtemp(path.join(tmpdir(), 'exo-attachments-kill-'));
      f = await syncFixture(engine);
      await writeSetting(f.db, 'downloadAttachments', true, 'test');
      await writeSetting(f.db, 'attachmentsRoot', root, 'test');
      const post = f.sandbox.store.createPost({ type: 'task', customer_id: f.customers.acme, body_text: 'With a file' } as PostInput, f.users.ann).post;
      const content = Buffer.alloc(300_000, 'k');
      f.sandbox.store.putAttachment(post.id, { filename: 'big.bin', contentType: 'application/octet-stream', content });
      await f.db.table(OBJECTS.inbox).insert({ EVENT_ID: `evt_${post.id}`, EVENT_TYPE: 'post.created', POST_ID: post.id, POST_VERSION: null, SOURCE: 'webhook', RECEIVED_AT: new Date(), STATE: 'ready', ATTEMPTS: 0, NEXT_ATTEMPT_AT: new Date(0) });
      f.sandbox.faults.set({ stallDownloads: true });
      const env = workerEnv(f, target);
      const victim = processes.spawn(['worker', '--direction', 'inbound'], env);
      const partials = async () => {
        const folders = await readdir(root!);
        const names = folders.length ? await readdir(path.join(root!, folders[0]!)) : [];
        return names.filter((n) => n.endsWith('.partial'));
      };
      await waitFor(async () => (await partials()).length > 0, 30_000, 'the download to start');
      victim.child.kill('SIGKILL');
      await victim.exited;
      expect(await partials()).toHaveLength(1);

      f.sandbox.faults.clear();
      const survivor = processes.spawn(['worker', '--direction', 'inbound'], env);
      const folder = async () => path.join(root!, (await readdir(root!))[0]!);
      await waitFor(async () => (await readdir(await folder())).includes('big.bin'), 60_000, 'the file to arrive');
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
      expect(await partials()).toEqual([]);
      expect((await readFile(path.join(await folder(), 'big.bin'))).equals(content)).toBe(true);
    }, 120_000); // its two waits (30 s and 60 s) and the stopping
  },
  { processes: true },
);
