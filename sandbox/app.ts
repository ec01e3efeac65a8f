import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { PostInput, PostPatch, SentPatch, WebhookEventType } from '../sync/numerik/types.js';
import { faultSchema, type Faults } from './faults.js';
import { SandboxError, type SandboxStore } from './store.js';
import type { WebhookSender } from './webhooks.js';
import { postPage } from './web-page.js';

export interface SandboxParts {
  store: SandboxStore;
  faults: Faults;
  webhooks: WebhookSender;
  token: string;
  /** Calls answered, by "METHOD /route". */
  calls: Map<string, number>;
}

const MAX_PAGE = 200;

function paginate<T>(items: T[], key: (item: T) => string, req: Request): { data: T[]; next_cursor: string | null } {
  const limit = Math.min(MAX_PAGE, Math.max(1, Number(req.query.limit ?? 50) || 50));
  const after = typeof req.query.cursor === 'string' ? Buffer.from(req.query.cursor, 'base64url').toString('utf8') : undefined;
  const rest = after === undefined ? items : items.filter((i) => key(i) > after);
  const data = rest.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next_cursor: rest.length > limit && last ? Buffer.from(key(last), 'utf8').toString('base64url') : null };
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const byId = <T extends { id: string }>(items: Iterable<T>) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1));

/** The Numerik API (reference/numerik-api.md), served from memory. */
function api(parts: SandboxParts): express.Router {
  const { store, faults, webhooks } = parts;
  const r = express.Router();

  r.use(async (req, res, next) => {
    const route = `${req.method} /${req.path.split('/').filter(Boolean).map((seg, i) => (i % 2 ? ':id' : seg)).join('/')}`;
    parts.calls.set(route, (parts.calls.get(route) ?? 0) + 1);
    if (faults.latencyMs) await sleep(faults.latencyMs);
    if (faults.clockSkewMs) res.setHeader('Date', new Date(Date.now() + faults.clockSkewMs).toUTCString());
    if (req.headers.authorization !== `Bearer ${parts.token}`) {
      res.status(401).json({ error: 'unauthorized', message: 'missing or invalid bearer token' });
      return;
    }
    res.setHeader('X-RateLimit-Remaining', '1000');
    const failure = faults.takeFailure();
    if (failure) {
      if (failure.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(failure.retryAfterSeconds));
      res.setHeader('X-RateLimit-Remaining', failure.status === 429 ? '0' : '1000');
      res.status(failure.status).json({ error: failure.status === 429 ? 'rate_limited' : 'unavailable', message: 'injected fault' });
      return;
    }
    next();
  });

  r.get('/users', (req, res) => void res.json(paginate(byId(store.users.values()), (u) => u.id, req)));
  r.get('/tags', (req, res) => void res.json(paginate(byId(store.tags.values()), (t) => t.id, req)));
  r.get('/customers', (req, res) => {
    const since = str(req.query.updated_since);
    const customers = byId(store.customers.values()).filter((c) => !since || c.updated_at >= since);
    res.json(paginate(customers, (c) => c.id, req));
  });

  r.get('/posts', (req, res) => {
    const posts = store.listPosts({
      updatedSince: str(req.query.updated_since),
      includeDeleted: req.query.include_deleted === 'true',
      externalRef: str(req.query.external_ref),
    });
    res.json(paginate(posts, (p) => `${p.updated_at}|${p.id}`, req));
  });
  r.get('/posts/:id', (req, res) => void res.json(store.getPost(req.params.id!)));
  r.post('/posts', (req, res) => {
    const key = req.header('idempotency-key');
    const { post, replayed } = store.createPost(req.body as PostInput, store.apiUser.id, key);
    if (!replayed && faults.takeDroppedCreate()) {
      // The create is committed; the answer never arrives.
      req.socket.destroy();
      return;
    }
    res.status(replayed ? 200 : 201).json(post);
  });
  r.patch('/posts/:id', (req, res) => {
    const ifMatch = req.header('if-match');
    res.json(store.updatePost(req.params.id!, req.body as SentPatch, ifMatch === undefined ? undefined : Number(ifMatch.replace(/"/g, ''))));
  });
  r.delete('/posts/:id', (req, res) => {
    store.deletePost(req.params.id!, store.apiUser.id);
    res.status(204).end();
  });
  r.get('/posts/:id/attachments/:attachmentId/content', (req, res) => {
    const { attachment, content } = store.attachmentContent(req.params.id!, req.params.attachmentId!);
    res.setHeader('Content-Type', attachment.content_type);
    res.setHeader('Content-Length', String(content.length));
    if (faults.stallDownloads) return void res.write(content.subarray(0, Math.floor(content.length / 2)));
    if (faults.takeDroppedDownload()) {
      res.write(content.subarray(0, Math.floor(content.length / 2)), () => req.socket.destroy());
      return;
    }
    res.end(content);
  });

  const webhookBody = z.object({ url: z.url(), events: z.array(z.string()).min(1) });
  r.post('/webhooks', (req, res) => {
    const parsed = webhookBody.safeParse(req.body);
    if (!parsed.success) throw new SandboxError(400, 'invalid_webhook', 'url and events[] are required');
    res.status(201).json(webhooks.register(parsed.data.url, parsed.data.events as WebhookEventType[]));
  });
  r.get('/webhooks', (req, res) => {
    const hooks = byId(webhooks.hooks.values()).map(({ secret: _s, ...hook }) => hook);
    res.json(paginate(hooks, (h) => h.id, req));
  });
  r.delete('/webhooks/:id', (req, res) => {
    if (!webhooks.hooks.delete(req.params.id!)) throw new SandboxError(404, 'not_found', 'no such webhook');
    res.status(204).end();
  });
  return r;
}

/** Test and demo controls: faults, seeding, and acting as a Numerik user (which sends webhooks). */
function admin(parts: SandboxParts): express.Router {
  const { store, faults, webhooks } = parts;
  const r = express.Router();
  const actor = (req: Request) => str((req.body as { as?: string })?.as) ?? store.apiUser.id;

  r.post('/faults', (req, res) => {
    const parsed = faultSchema.safeParse(req.body);
    if (!parsed.success) throw new SandboxError(400, 'invalid_faults', parsed.error.message);
    faults.set(parsed.data);
    res.json({ ok: true });
  });
  r.delete('/faults', (_req, res) => {
    faults.clear();
    res.json({ ok: true });
  });
  r.get('/stats', (_req, res) => {
    res.json({
      calls: Object.fromEntries(parts.calls),
      posts: store.listPosts({ includeDeleted: true }).length,
      webhooks: { delivered: webhooks.delivered, pending: webhooks.pending, failedAttempts: webhooks.failedAttempts },
    });
  });
  r.get('/posts', (_req, res) => void res.json(store.listPosts({ includeDeleted: true })));
  r.post('/users', (req, res) => void res.status(201).json(store.addUser(req.body as { name: string; email: string | null })));
  r.post('/tags', (req, res) => void res.status(201).json(store.addTag((req.body as { name: string }).name)));
  r.post('/customers', (req, res) => void res.status(201).json(store.upsertCustomer(req.body as { name: string; external_ref: string | null })));
  r.post('/act/posts', (req, res) => {
    const { as: _as, ...input } = req.body as PostInput & { as?: string };
    res.status(201).json(store.createPost(input, actor(req)).post);
  });
  r.patch('/act/posts/:id', (req, res) => {
    const { as: _as, ...patch } = req.body as PostPatch & { as?: string };
    res.json(store.updatePost(req.params.id!, patch, undefined, actor(req)));
  });
  r.delete('/act/posts/:id', (req, res) => {
    store.deletePost(req.params.id!, actor(req));
    res.status(204).end();
  });
  r.post('/act/posts/:id/comments', (req, res) => void res.status(201).json(store.addComment(req.params.id!, actor(req), (req.body as { text: string }).text)));
  r.patch('/act/posts/:id/comments/:commentId', (req, res) => void res.json(store.updateComment(req.params.id!, req.params.commentId!, (req.body as { text: string }).text, str((req.body as { as?: string }).as))));
  r.delete('/act/posts/:id/comments/:commentId', (req, res) => {
    store.deleteComment(req.params.id!, req.params.commentId!, actor(req));
    res.status(204).end();
  });
  r.post('/act/posts/:id/attachments', (req, res) => {
    const body = req.body as { filename: string; content_type?: string; content_base64: string; id?: string };
    res.status(201).json(
      store.putAttachment(req.params.id!, { id: body.id, filename: body.filename, contentType: body.content_type ?? 'application/octet-stream', content: Buffer.from(body.content_base64, 'base64') }),
    );
  });
  r.delete('/act/posts/:id/attachments/:attachmentId', (req, res) => {
    store.removeAttachment(req.params.id!, req.params.attachmentId!);
    res.status(204).end();
  });
  return r;
}

export function sandboxApp(parts: SandboxParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '50mb' }));
  app.use('/_sandbox', admin(parts));
  // The web app's page of a post (its web_url), without a login: the sandbox is on loopback.
  app.get('/app/posts/:id', (req, res) => {
    const post = parts.store.posts.get(req.params.id);
    if (!post || post.deleted_at) return void res.status(404).type('text').send('No such post in this Numerik.');
    res.type('html').send(postPage(parts.store, parts.store.getPost(post.id)));
  });
  app.use(api(parts));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SandboxError) return void res.status(error.status).json({ error: error.code, message: error.message, ...error.extra });
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) return void res.status(status).json({ error: 'bad_request', message: (error as Error).message });
    res.status(500).json({ error: 'internal', message: error instanceof Error ? error.message : String(error) });
  });
  return app;
}
