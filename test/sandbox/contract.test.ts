import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { NumerikClient } from '../../sync/numerik/client.js';
import { NumerikError, PreconditionFailedError } from '../../sync/numerik/errors.js';
import { signature, verifySignature } from '../../sync/numerik/signature.js';
import type { Post, PostInput, WebhookEvent } from '../../sync/numerik/types.js';

let sandbox: Sandbox;
let client: NumerikClient;
let customerId: string;
let userId: string;

const task = (over: Partial<PostInput> = {}): PostInput => ({ type: 'task', customer_id: customerId, body_text: 'Call Jo\nquote', ...over });

beforeAll(async () => {
  sandbox = await startSandbox();
  client = new NumerikClient({ baseUrl: sandbox.url, token: sandbox.token, backoff: { baseMs: 20, capMs: 200 } });
  customerId = sandbox.store.upsertCustomer({ name: 'Acme', external_ref: 'DR:101' }).id;
  userId = sandbox.store.addUser({ name: 'Ann', email: 'ann@example.com' }).id;
});
afterAll(async () => {
  await client.close();
  await sandbox.close();
});
afterEach(() => sandbox.faults.clear());

describe('Numerik sandbox contract: resources', () => {
  it('refuses a wrong token with 401, which the client calls permanent', async () => {
    const stranger = new NumerikClient({ baseUrl: sandbox.url, token: 'nope' });
    const error = await stranger.listUsers().catch((e: unknown) => e as NumerikError);
    expect(error).toBeInstanceOf(NumerikError);
    expect(error).toMatchObject({ status: 401, transient: false, message: expect.stringContaining('Numerik refused the API token') });
    await stranger.close();
  });

  it('pages lists 200 at a time and the client reads every page', async () => {
    for (let i = 0; i < 450; i++) sandbox.store.upsertCustomer({ name: `Customer ${i}`, external_ref: `DR:${1000 + i}` });
    const seen: string[] = [];
    for await (const c of client.listCustomers()) seen.push(c.id);
    expect(seen).toHaveLength(451);
    expect(new Set(seen).size).toBe(451);
    expect(sandbox.calls.get('GET /customers')).toBe(3);
    expect((await client.listUsers()).map((u) => u.email)).toContain('ann@example.com');
  });

  it('creates posts with versions, reads them, 404 for never, 410 for deleted', async () => {
    const post = await client.createPost(task({ tags: ['Phone call'], assignee_id: userId, external_ref: 'exo-task:1' }), 'k-create-1');
    expect(post).toMatchObject({ version: 1, type: 'task', body_html: '<p>Call Jo</p><p>quote</p>', tags: ['Phone call'], completed: false, external_ref: 'exo-task:1' });
    expect((await client.listTags()).map((t) => t.name)).toContain('Phone call');
    const updated = await client.updatePost(post.id, { completed: true }, 1);
    expect(updated).toMatchObject({ version: 2, completed: true, completed_at: expect.any(String) });
    expect(await client.getPost(post.id)).toEqual({ kind: 'post', post: updated });
    expect(await client.getPost('pst_never')).toEqual({ kind: 'missing' });
    await client.deletePost(post.id);
    expect(await client.getPost(post.id)).toEqual({ kind: 'gone', deletedAt: expect.any(String), deletedBy: sandbox.store.apiUser.id });
  });

  it("gives each post its web_url, a page there, and updated_by: the author until someone else changes it", async () => {
    const raj = sandbox.store.addUser({ name: 'Raj', email: 'raj@example.com' });
    const post = await client.createPost(task({ author_id: userId, body_text: 'Visit <Jo>\nbring samples' }), 'k-web-1');
    expect(post).toMatchObject({ web_url: `${sandbox.url}/app/posts/${post.id}`, updated_by: userId });
    const page = await fetch(post.web_url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Visit &lt;Jo&gt;</h1>');
    expect((await fetch(`${sandbox.url}/app/posts/pst_never`)).status).toBe(404);
    sandbox.store.updatePost(post.id, { completed: true }, undefined, raj.id);
    expect((await client.getPost(post.id)) as { post: Post }).toMatchObject({ post: { updated_by: raj.id } });
    expect((await client.updatePost(post.id, { completed: false })).updated_by).toBe(sandbox.store.apiUser.id);
    sandbox.store.addComment(post.id, userId, 'Done.');
    expect((await client.getPost(post.id)) as { post: Post }).toMatchObject({ post: { updated_by: userId } });
  });

  it('rejects an invalid post with 400, which the client calls permanent', async () => {
    const error = await client.createPost({ type: 'note', customer_id: customerId, body_text: 'x', assignee_id: userId }, 'k-bad').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, transient: false, message: 'Numerik answered 400: a note cannot be assigned (POST /posts)' });
    await expect(client.createPost(task({ customer_id: 'cus_nope' }), 'k-bad-2')).rejects.toMatchObject({ status: 400 });
  });

  it('honours an Idempotency-Key: the same key makes one post', async () => {
    const before = sandbox.store.posts.size;
    const a = await client.createPost(task({ external_ref: 'exo-task:2' }), 'k-same');
    const b = await client.createPost(task({ external_ref: 'exo-task:2' }), 'k-same');
    expect(b.id).toBe(a.id);
    expect(sandbox.store.posts.size).toBe(before + 1);
  });

  it('answers 412 to an update whose If-Match is not the current version', async () => {
    const post = await client.createPost(task(), 'k-412');
    await client.updatePost(post.id, { body_text: 'changed in Numerik' });
    await expect(client.updatePost(post.id, { body_text: 'from Exo' }, post.version)).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('lists changed posts oldest first, deleted ones as tombstones, and finds a post by external_ref', async () => {
    const since = sandbox.store.now();
    const one = await client.createPost(task({ external_ref: 'exo-task:31' }), 'k-31');
    const two = await client.createPost(task({ external_ref: 'exo-task:32' }), 'k-32');
    await client.deletePost(one.id);
    const changed: (Post | { id: string; deleted: true })[] = [];
    for await (const p of client.listPosts(since)) changed.push(p);
    expect(changed.map((p) => [p.id, 'deleted' in p])).toEqual([
      [two.id, false],
      [one.id, true],
    ]);
    expect((await client.findPostsByExternalRef('exo-task:32')).map((p) => p.id)).toEqual([two.id]);
    expect(await client.findPostsByExternalRef('exo-task:none')).toEqual([]);
  });

  it('streams attachment bytes', async () => {
    const post = await client.createPost(task(), 'k-att');
    const attachment = sandbox.store.putAttachment(post.id, { filename: 'quote.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 hello') });
    const download = await client.downloadAttachment(post.id, attachment.id);
    const chunks: Buffer[] = [];
    for await (const chunk of download.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('%PDF-1.4 hello');
    expect(download).toMatchObject({ contentType: 'application/pdf', contentLength: 14 });
  });
});

describe('Numerik sandbox contract: faults, and the client riding them out', () => {
  it('429 with Retry-After: the client waits as told, then succeeds', async () => {
    sandbox.faults.set({ rateLimitForMs: 1200, retryAfterSeconds: 1 });
    const started = Date.now();
    await client.listTags();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('5xx answers are retried', async () => {
    sandbox.faults.set({ serverErrorCount: 3, serverErrorStatus: 502 });
    const calls = sandbox.calls.get('GET /tags') ?? 0;
    await client.listTags();
    expect(sandbox.calls.get('GET /tags')).toBe(calls + 4);
  });

  it('a create whose answer is lost makes one post, not two', async () => {
    sandbox.faults.set({ dropCreateResponses: 1 });
    const before = sandbox.store.posts.size;
    const post = await client.createPost(task({ external_ref: 'exo-task:77' }), 'k-dropped');
    expect(sandbox.store.posts.size).toBe(before + 1);
    expect(post.external_ref).toBe('exo-task:77');
  });

  it('gives up on a transient failure that lasts, with a transient error', async () => {
    const impatient = new NumerikClient({ baseUrl: sandbox.url, token: sandbox.token, retries: 2, backoff: { baseMs: 10, capMs: 20 } });
    sandbox.faults.set({ serverErrorsForMs: 5_000 });
    await expect(impatient.listTags()).rejects.toMatchObject({ transient: true, status: 503 });
    await impatient.close();
  });

  it('adds latency on demand', async () => {
    sandbox.faults.set({ latencyMs: 150 });
    const started = Date.now();
    await client.listTags();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});

describe('Numerik sandbox contract: webhooks', () => {
  let received: { event: WebhookEvent; check: ReturnType<typeof verifySignature> }[];
  let receiverUrl: string;
  let secret: string;
  let hookId: string;
  const receiver = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({
        event: JSON.parse(raw.toString()) as WebhookEvent,
        check: verifySignature(req.headers['numerik-signature'] as string, req.headers['numerik-timestamp'] as string, raw, [secret]),
      });
      res.statusCode = 200;
      res.end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/numerik`;
    const hook = await client.registerWebhook(receiverUrl);
    secret = hook.secret;
    hookId = hook.id;
  });
  afterAll(async () => {
    await client.deleteWebhook(hookId);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const settle = async () => {
    for (let i = 0; i < 100 && sandbox.webhooks.pending > 0; i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('registers once, showing the secret only then', async () => {
    expect(secret).toMatch(/^whsec_/);
    const listed = await client.listWebhooks();
    expect(listed.find((h) => h.id === hookId)).toEqual({ id: hookId, url: receiverUrl, events: expect.arrayContaining(['post.updated']) });
  });

  it('sends signed events for posts and comments', async () => {
    received = [];
    const post = sandbox.store.createPost(task(), userId).post;
    sandbox.store.addComment(post.id, userId, 'Sent the quote');
    sandbox.store.deletePost(post.id, userId);
    await settle();
    expect(received.map((r) => [r.event.type, r.event.data.version]).sort()).toEqual([
      ['comment.created', 2],
      ['post.created', 1],
      ['post.deleted', 3],
    ]);
    expect(received.every((r) => r.check.ok)).toBe(true);
  });

  it('duplicates and reorders deliveries on demand', async () => {
    received = [];
    sandbox.faults.set({ duplicateWebhooks: true, reorderWebhooks: true });
    const post = sandbox.store.createPost(task(), userId).post;
    sandbox.store.updatePost(post.id, { body_text: 'v2' });
    sandbox.store.updatePost(post.id, { body_text: 'v3' });
    await settle();
    await new Promise((r) => setTimeout(r, 100));
    await settle();
    expect(received).toHaveLength(6);
    expect(received.map((r) => r.event.data.version)).not.toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('verifySignature: rotation, staleness, tampering', () => {
    const body = Buffer.from('{"id":"evt_1"}');
    const now = 1_800_000_000;
    const sign = (s: string, t = now) => `v1=${signature(s, t, body)}`;
    expect(verifySignature(`${sign('old')},${sign('new')}`, String(now), body, ['new'], now)).toEqual({ ok: true });
    expect(verifySignature(sign('new'), String(now - 301), body, ['new'], now)).toEqual({ ok: false, reason: 'timestamp outside the 5-minute window' });
    expect(verifySignature(sign('new'), String(now), Buffer.from('{"id":"evt_2"}'), ['new'], now)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verifySignature(undefined, String(now), body, ['new'], now)).toMatchObject({ ok: false });
    expect(verifySignature('v0=abc', String(now), body, ['new'], now)).toEqual({ ok: false, reason: 'no v1= signature' });
  });
});
