import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, realpath, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OBJECTS } from '../../../db/plugin/objects.js';
import { silentLogger } from '../../../logging/logger.js';
import { startService, type Service } from '../../../service/service.js';
import type { Post, PostInput } from '../../../sync/numerik/types.js';
import { LOCK_NAME } from '../../../sync/attachments/folder-lock.js';
import { syncPostFiles } from '../../../sync/attachments/sync-files.js';
import { registerWebhook } from '../../../sync/webhooks.js';
import { forEachTarget } from '../../support/targets.js';
import { logEntries, settled, syncFixture, type SyncFixture } from '../../support/sync.js';

const LIMIT = 256 * 1024;
const LINK_BASE = '\\\\server\\share\\Numerik';
const CONTENT_ROUTE = 'GET /posts/:id/attachments/:id/content';

forEachTarget('attachments', (engine) => {
  let f: SyncFixture;
  let service: Service;
  let root: string;
  const store = () => f.sandbox.store;
  const downloads = () => f.sandbox.calls.get(CONTENT_ROUTE) ?? 0;
  const bytes = (seed: string, size = 10_000) => Buffer.alloc(size, seed);
  const attach = (post: Post, filename: string, content: Buffer, id?: string) => store().putAttachment(post.id, { filename, contentType: 'application/octet-stream', content, id });
  const numerikCreates = (input: Partial<PostInput> = {}): Post =>
    store().createPost({ type: 'note', customer_id: f.customers.acme, body_text: 'With files', ...input } as PostInput, f.users.ann).post;
  const activityOf = async (postId: string) => {
    const link = (await f.db.table(OBJECTS.postLink).where({ POST_ID: postId }).first('ACTIVITY_SEQNO')) as { ACTIVITY_SEQNO: number };
    return (await f.db.table('TASKS').where({ SEQNO: link.ACTIVITY_SEQNO }).first()) as Record<string, unknown> & { SEQNO: number };
  };
  const folderOf = async (postId: string) => path.join(root, String((await activityOf(postId)).SEQNO));
  /** What is in a folder: name → SHA-256 of the content (subfolders and the index aside). */
  const filesIn = async (folder: string) => {
    const entries = await readdir(folder, { withFileTypes: true });
    const files: Record<string, string> = {};
    for (const e of entries.filter((e) => e.isFile())) files[e.name] = createHash('sha256').update(await readFile(path.join(folder, e.name))).digest('hex');
    return files;
  };
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'exo-attachments-'));
    f = await syncFixture(engine, { downloadAttachments: true, attachmentsRoot: root, attachmentsLinkBase: LINK_BASE, maxAttachmentBytes: LIMIT });
    service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0 }, worker: { leaseMs: 10_000 } });
    await registerWebhook(f.db, f.client, `${service.url}/webhooks/numerik`);
  });
  afterAll(async () => {
    await service?.stop();
    await f?.close();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => f.sandbox.faults.clear());

  it('downloads each attachment into the activity folder, links the folder in X_NUMERIK_FOLDER, and indexes the files', async () => {
    const post = numerikCreates();
    const files = { 'quote.pdf': bytes('q'), 'plan.png': bytes('p', 20_000), 'notes.txt': Buffer.from('hello') };
    const ids = Object.entries(files).map(([name, content]) => attach(post, name, content).id);
    await settled(f);
    const activity = await activityOf(post.id);
    const folder = path.join(root, String(activity.SEQNO));
    expect(activity.X_NUMERIK_FOLDER).toBe(`${LINK_BASE}\\${activity.SEQNO}`);
    expect(await filesIn(folder)).toEqual({
      'attachments.json': expect.any(String),
      'quote.pdf': sha(files['quote.pdf']),
      'plan.png': sha(files['plan.png']),
      'notes.txt': sha(files['notes.txt']),
    });
    const index = JSON.parse(await readFile(path.join(folder, 'attachments.json'), 'utf8'));
    expect(index).toMatchObject({ post: post.id, activity: activity.SEQNO, removed: [] });
    expect(index.files.map((x: { id: string }) => x.id).sort()).toEqual([...ids].sort());
    expect(index.files.find((x: { name: string }) => x.name === 'plan.png')).toMatchObject({ filename: 'plan.png', size: 20_000, content_type: 'application/octet-stream', sha256: sha(files['plan.png']), downloaded_at: expect.any(String) });
  });

  it('does not download again what is there; replaces a changed file; moves a removed one to removed/', async () => {
    const post = numerikCreates();
    const keep = attach(post, 'keep.txt', bytes('k'));
    const change = attach(post, 'change.txt', bytes('1'));
    const drop = attach(post, 'drop.txt', bytes('d'));
    await settled(f);
    const folder = await folderOf(post.id);

    let before = downloads();
    store().updatePost(post.id, { body_text: 'With files, edited' });
    await settled(f);
    expect((await activityOf(post.id)).DETAILS).toBe('With files, edited');
    expect(downloads()).toBe(before);

    before = downloads();
    attach(post, 'change.txt', bytes('2', 12_000), change.id);
    store().removeAttachment(post.id, drop.id);
    await settled(f);
    expect(downloads()).toBe(before + 1);
    expect(await filesIn(folder)).toEqual({ 'attachments.json': expect.any(String), 'keep.txt': sha(bytes('k')), 'change.txt': sha(bytes('2', 12_000)) });
    expect(await filesIn(path.join(folder, 'removed'))).toEqual({ 'drop.txt': sha(bytes('d')) });
    const index = JSON.parse(await readFile(path.join(folder, 'attachments.json'), 'utf8'));
    expect(index.files.map((x: { id: string }) => x.id).sort()).toEqual([keep.id, change.id].sort());
    expect(index.removed).toMatchObject([{ id: drop.id, name: 'drop.txt', removed_at: expect.any(String) }]);
  });

  it('renames a file renamed in Numerik, without downloading it again; the index names the new name', async () => {
    const post = numerikCreates();
    const quote = attach(post, 'quote.pdf', bytes('q'));
    await settled(f);
    const folder = await folderOf(post.id);
    const before = downloads();
    attach(post, 'Quote: signed.pdf', bytes('q'), quote.id);
    await settled(f);
    expect(downloads()).toBe(before);
    expect(await filesIn(folder)).toEqual({ 'attachments.json': expect.any(String), 'Quote_ signed.pdf': sha(bytes('q')) });
    const index = JSON.parse(await readFile(path.join(folder, 'attachments.json'), 'utf8'));
    expect(index.files).toMatchObject([{ id: quote.id, name: 'Quote_ signed.pdf', filename: 'Quote: signed.pdf' }]);
  });

  it('makes hostile names safe, distinct, and inside the folder (checked by real paths)', async () => {
    const post = numerikCreates();
    const hostile = [
      '../../etc/passwd', 'C:\\Windows\\x.dll', 'CON.txt', 'a\u0000b', `${'x'.repeat(300)}.pdf`, 'report.pdf', 'report.pdf', '..', 'trailing. ',
      `${'報'.repeat(100)}.pdf`, 'nul.tar.gz', 'attachments.json', 'removed', 'invoice\u202Efdp.exe', '.exo-numerik.lock', '.x.partial',
    ];
    for (const [n, name] of hostile.entries()) attach(post, name, bytes(String(n), 100));
    await settled(f);
    const folder = await realpath(await folderOf(post.id));
    const names = (await readdir(folder)).filter((n) => n !== 'attachments.json');
    expect(names).toHaveLength(hostile.length);
    for (const name of names) {
      expect(path.dirname(await realpath(path.join(folder, name)))).toBe(folder);
      expect(name).not.toMatch(/[\\/:\p{Cc}]|^\.|[. ]$|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/iu);
      expect(name.length).toBeLessThanOrEqual(120);
    }
    expect(names).toEqual(expect.arrayContaining(['passwd', 'x.dll', '_CON.txt', 'a_b', 'report.pdf', 'report (2).pdf', 'trailing', '_nul.tar.gz', '_attachments.json', '_removed', 'invoice_fdp.exe']));
    expect(names.find((n) => n.startsWith('xxx'))).toMatch(/^x+\.pdf$/);
    for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    // A user's file never takes the sync's own names: the index is still ours, listing every file.
    const index = JSON.parse(await readFile(path.join(folder, 'attachments.json'), 'utf8')) as { post: string; files: unknown[] };
    expect(index).toMatchObject({ post: post.id });
    expect(index.files).toHaveLength(hostile.length);
    expect(names.every((n) => !n.startsWith('.'))).toBe(true);
    expect(await readdir(path.dirname(root))).not.toContain('passwd');
  });

  it('a download cut halfway leaves no file under its real name, and completes on the retry', async () => {
    const post = numerikCreates();
    f.sandbox.faults.set({ dropDownloads: 1 });
    const content = bytes('z', 100_000);
    attach(post, 'big.bin', content);
    const folder = await (async () => {
      for (;;) {
        const failed = (await f.db.table(OBJECTS.inbox).where({ POST_ID: post.id }).whereNotNull('LAST_ERROR').first('LAST_ERROR')) as { LAST_ERROR: string } | undefined;
        if (failed) return folderOf(post.id);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    expect(await readdir(folder)).not.toContain('big.bin');
    expect((await readdir(folder)).filter((n) => n.endsWith('.partial'))).toEqual([]);
    await settled(f);
    expect(await filesIn(folder)).toEqual({ 'attachments.json': expect.any(String), 'big.bin': sha(content) });
  });

  it('one file that fails does not stop the others: they are there and linked at once, it follows on the retry', async () => {
    f.sandbox.faults.set({ pauseWebhooks: true });
    const post = numerikCreates();
    const contents = ['one', 'two', 'three'].map((n) => bytes(n, 30_000));
    const names = ['a-one.bin', 'b-two.bin', 'c-three.bin'];
    names.forEach((name, i) => attach(post, name, contents[i]!));
    f.sandbox.faults.set({ pauseWebhooks: false, dropDownloads: 1 });
    const error = await (async () => {
      for (;;) {
        const row = (await f.db.table(OBJECTS.inbox).where({ POST_ID: post.id }).whereNotNull('LAST_ERROR').first('LAST_ERROR')) as { LAST_ERROR: string } | undefined;
        if (row) return row.LAST_ERROR;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const failed = /^attachments: 1 of 3 file\(s\) not downloaded yet; (\S+): /.exec(error)?.[1];
    expect(names).toContain(failed);
    const folder = await folderOf(post.id);
    // The retry may already be fetching the failed file: its hidden .partial is no file yet.
    const present = Object.keys(await filesIn(folder)).filter((n) => !n.endsWith('.partial'));
    expect(present.filter((n) => n !== failed).sort()).toEqual(['attachments.json', ...names.filter((n) => n !== failed)].sort());
    const linked = await activityOf(post.id);
    expect(linked.X_NUMERIK_FOLDER).toBe(`${LINK_BASE}\\${linked.SEQNO}`);
    await settled(f);
    expect(await filesIn(folder)).toEqual({ 'attachments.json': expect.any(String), 'a-one.bin': sha(contents[0]!), 'b-two.bin': sha(contents[1]!), 'c-three.bin': sha(contents[2]!) });
  });

  it('two workers writing one folder take turns, so its files and its index always agree', async () => {
    const post = numerikCreates();
    const [a, b, c] = ['a.txt', 'b.txt', 'c.bin'].map((name, i) => attach(post, name, bytes(name, 20_000 * (i + 1))));
    await settled(f);
    const lookup = await f.client.getPost(post.id);
    if (lookup.kind !== 'post') throw new Error('the post is gone');
    // Two views of the post, as two workers fetching it a moment apart would hold them.
    const older = { ...lookup.post, attachments: lookup.post.attachments.filter((x) => x.id !== b!.id) };
    const newer = { ...lookup.post, attachments: lookup.post.attachments.filter((x) => x.id !== c!.id) };
    const seqno = 990_001;
    const options = await service.options();
    f.sandbox.faults.set({ latencyMs: 60 });
    const [first, second] = await Promise.all([
      syncPostFiles(f.client, older, seqno, options),
      new Promise((r) => setTimeout(r, 10)).then(() => syncPostFiles(f.client, newer, seqno, options)),
    ]);
    expect({ ...first, downloaded: [...first.downloaded].sort() }).toMatchObject({ downloaded: ['a.txt', 'c.bin'], kept: 0 });
    expect(second).toMatchObject({ downloaded: ['b.txt'], kept: 1, removed: ['c.bin'] });
    const folder = path.join(root, String(seqno));
    expect(Object.keys(await filesIn(folder)).sort()).toEqual(['a.txt', 'attachments.json', 'b.txt']);
    const index = JSON.parse(await readFile(path.join(folder, 'attachments.json'), 'utf8'));
    expect(index.files.map((x: { id: string }) => x.id).sort()).toEqual([a!.id, b!.id].sort());
    expect(index.removed.map((x: { id: string }) => x.id)).toEqual([c!.id]);
    expect(await readdir(folder)).not.toContain(LOCK_NAME);
  });

  it('refuses a file over the size limit with a clear log line; the rest of the post is synced', async () => {
    const post = numerikCreates({ body_text: 'Has a huge file' });
    attach(post, 'huge.iso', bytes('h', LIMIT + 1));
    attach(post, 'small.txt', bytes('s'));
    await settled(f);
    expect((await activityOf(post.id)).DETAILS).toBe('Has a huge file');
    expect(Object.keys(await filesIn(await folderOf(post.id))).sort()).toEqual(['attachments.json', 'small.txt']);
    const refused = (await logEntries(f.db, 'skipped')).filter((e) => e.POST_ID === post.id).map((e) => e.REASON);
    expect(refused).toEqual([`attachment refused: huge.iso is ${LIMIT + 1} bytes, over the limit of ${LIMIT}`]);
  });

  it('a missing root: the text is synced, the error (also on the status) says what to fix, and the files follow once the root is back', async () => {
    await rm(root, { recursive: true, force: true });
    const post = numerikCreates({ body_text: 'Root gone' });
    attach(post, 'later.txt', bytes('l'));
    let error: string | undefined;
    while (!error) {
      error = ((await f.db.table(OBJECTS.inbox).where({ POST_ID: post.id }).whereNotNull('LAST_ERROR').first('LAST_ERROR')) as { LAST_ERROR: string } | undefined)?.LAST_ERROR;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(error).toBe(`attachments: attachmentsRoot ${root} cannot be used (ENOENT): create it, or fix the setting`);
    expect((await service.operations.status()).inbound.errors).toContainEqual({ error, count: 1 });
    expect((await activityOf(post.id)).DETAILS).toBe('Root gone');
    await mkdir(root);
    await settled(f, { timeoutMs: 30_000 });
    expect(Object.keys(await filesIn(await folderOf(post.id)))).toEqual(expect.arrayContaining(['later.txt']));
  });
});
