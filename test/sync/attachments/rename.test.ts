import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../sandbox/server.js';
import { syncPostFiles } from '../../../sync/attachments/sync-files.js';
import { safeFileName } from '../../../sync/attachments/safe-name.js';
import { NumerikClient } from '../../../sync/numerik/client.js';
import type { Post, PostInput } from '../../../sync/numerik/types.js';
import { defaultSyncOptions, type SyncOptions } from '../../../sync/options.js';

const CONTENT_ROUTE = 'GET /posts/:id/attachments/:id/content';

describe('an attachment renamed in Numerik is renamed in its folder, under the same safe-name rules, and the index says so', () => {
  let sandbox: Sandbox;
  let client: NumerikClient;
  let root: string;
  let options: SyncOptions;
  let customer: string;
  let user: string;
  let seqno = 0;
  const downloads = () => sandbox.calls.get(CONTENT_ROUTE) ?? 0;
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const newPost = () => sandbox.store.createPost({ type: 'note', customer_id: customer, body_text: 'With files' } as PostInput, user).post;
  const attach = (post: Post, filename: string, content: Buffer, id?: string) => sandbox.store.putAttachment(post.id, { filename, contentType: 'application/octet-stream', content, id });
  /** One job of the post's files, as the attachments job runs it, into a folder of its own. */
  const sync = async (post: Post, activity: number) => {
    const lookup = await client.getPost(post.id);
    if (lookup.kind !== 'post') throw new Error('the post is gone');
    return syncPostFiles(client, lookup.post, activity, options);
  };
  /** The folder's files (name → SHA-256 of the content) and its index. */
  const folder = async (activity: number) => {
    const dir = path.join(root, String(activity));
    const files: Record<string, string> = {};
    for (const e of await readdir(dir, { withFileTypes: true })) if (e.isFile() && e.name !== 'attachments.json') files[e.name] = sha(await readFile(path.join(dir, e.name)));
    const index = JSON.parse(await readFile(path.join(dir, 'attachments.json'), 'utf8')) as { files: { id: string; name: string; filename: string; sha256: string }[] };
    return { dir, files, index: Object.fromEntries(index.files.map((f) => [f.id, { name: f.name, filename: f.filename, sha256: f.sha256 }])) };
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
    client = new NumerikClient({ baseUrl: sandbox.url, token: sandbox.token, retries: 0 });
    root = await mkdtemp(path.join(tmpdir(), 'exo-renames-'));
    options = defaultSyncOptions({ downloadAttachments: true, attachmentsRoot: root });
    customer = sandbox.store.upsertCustomer({ name: 'Acme Ltd', external_ref: 'DR:101' }).id;
    user = sandbox.store.addUser({ name: 'Ann Smith', email: 'ann@example.com' }).id;
  });
  afterAll(async () => {
    await client?.close();
    await sandbox?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('the same content renamed: the file is moved to its new safe name, not downloaded again', async () => {
    const post = newPost();
    const quote = attach(post, 'quote.pdf', Buffer.from('quote'));
    const activity = ++seqno;
    await sync(post, activity);
    const before = downloads();
    attach(post, 'Quote: final?.pdf', Buffer.from('quote'), quote.id);
    const result = await sync(post, activity);
    expect(result).toMatchObject({ downloaded: [], kept: 1, renamed: [{ from: 'quote.pdf', to: 'Quote_ final_.pdf' }] });
    expect(downloads()).toBe(before);
    const { files, index } = await folder(activity);
    expect(files).toEqual({ 'Quote_ final_.pdf': sha(Buffer.from('quote')) });
    expect(index).toEqual({ [quote.id]: { name: 'Quote_ final_.pdf', filename: 'Quote: final?.pdf', sha256: sha(Buffer.from('quote')) } });
  });

  it('renamed and changed: the new content under the new name, nothing left under the old one', async () => {
    const post = newPost();
    const plan = attach(post, 'plan-v1.png', Buffer.from('one'));
    const activity = ++seqno;
    await sync(post, activity);
    attach(post, 'plan-v2.png', Buffer.from('two, longer'), plan.id);
    expect(await sync(post, activity)).toMatchObject({ downloaded: ['plan-v2.png'], renamed: [{ from: 'plan-v1.png', to: 'plan-v2.png' }] });
    const { files, index } = await folder(activity);
    expect(files).toEqual({ 'plan-v2.png': sha(Buffer.from('two, longer')) });
    expect(index[plan.id]).toEqual({ name: 'plan-v2.png', filename: 'plan-v2.png', sha256: sha(Buffer.from('two, longer')) });
  });

  it("renamed to a name another file has, a user's own file too: a distinct name, the other files untouched", async () => {
    const post = newPost();
    const a = attach(post, 'a.txt', Buffer.from('a'), 'att_1');
    attach(post, 'b.txt', Buffer.from('b'), 'att_2');
    const c = attach(post, 'c.txt', Buffer.from('c'), 'att_3');
    const activity = ++seqno;
    const { dir } = await sync(post, activity).then(() => folder(activity));
    await writeFile(path.join(dir, 'notes.txt'), 'a user wrote this');
    attach(post, 'B.TXT', Buffer.from('a'), a.id);
    attach(post, 'notes.txt', Buffer.from('c'), c.id);
    await sync(post, activity);
    const { files, index } = await folder(activity);
    expect(files).toEqual({ 'B (2).TXT': sha(Buffer.from('a')), 'b.txt': sha(Buffer.from('b')), 'notes.txt': sha(Buffer.from('a user wrote this')), 'notes (2).txt': sha(Buffer.from('c')) });
    expect(index[a.id]).toMatchObject({ name: 'B (2).TXT', filename: 'B.TXT' });
    expect(index[c.id]).toMatchObject({ name: 'notes (2).txt', filename: 'notes.txt' });
  });

  it('a name changed only in case, and a name another file has just left', async () => {
    const post = newPost();
    const first = attach(post, 'report.pdf', Buffer.from('r'), 'att_1');
    const second = attach(post, 'draft.pdf', Buffer.from('d'), 'att_2');
    const activity = ++seqno;
    await sync(post, activity);
    attach(post, 'Report 2026.pdf', Buffer.from('r'), first.id);
    attach(post, 'report.pdf', Buffer.from('d'), second.id);
    await sync(post, activity);
    attach(post, 'REPORT.pdf', Buffer.from('d'), second.id);
    await sync(post, activity);
    const { files, index } = await folder(activity);
    expect(files).toEqual({ 'Report 2026.pdf': sha(Buffer.from('r')), 'REPORT.pdf': sha(Buffer.from('d')) });
    expect(index[second.id]).toMatchObject({ name: 'REPORT.pdf', filename: 'REPORT.pdf' });
  });

  it('after any renames: the folder holds exactly the files the index names, each its attachment, under distinct safe names', async () => {
    const names = fc.constantFrom('a.txt', 'A.TXT', 'b.txt', 'b (2).txt', 'con.txt', 'x?.txt', 'x*.txt', 'x_.txt', '../a.txt', 'notes.txt');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), names), { minLength: 1, maxLength: 6 }), async (renames) => {
        const post = newPost();
        const contents = [0, 1, 2].map((n) => Buffer.from(`file ${n}`));
        const ids = contents.map((content, n) => attach(post, `${n}.txt`, content, `att_${n}`).id);
        const activity = ++seqno;
        await sync(post, activity);
        for (const [n, filename] of renames) {
          attach(post, filename, contents[n]!, ids[n]);
          await sync(post, activity);
        }
        const { files, index } = await folder(activity);
        const current = new Map((await client.getPost(post.id).then((l) => (l.kind === 'post' ? l.post.attachments : []))).map((x) => [x.id, x.filename]));
        expect(Object.keys(index).sort()).toEqual([...ids].sort());
        expect(Object.keys(files).sort()).toEqual(Object.values(index).map((f) => f.name).sort());
        expect(new Set(Object.keys(files).map((n) => n.toLowerCase())).size).toBe(3);
        ids.forEach((id, n) => {
          const entry = index[id]!;
          expect(entry.filename).toBe(current.get(id));
          expect(files[entry.name]).toBe(sha(contents[n]!));
          const safe = safeFileName(entry.filename);
          const ext = path.extname(safe);
          expect(entry.name === safe || entry.name.startsWith(`${safe.slice(0, safe.length - ext.length)} (`)).toBe(true);
        });
      }),
      { seed: 20261206, numRuns: 25 },
    );
  });
});
