import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Router } from 'express';
import { demoRouter } from '../api/demo.js';
import type { DemoView } from '../api/status-page.js';
import type { Db } from '../db/connect.js';
import { recentDemoActivities } from '../db/exo/fixture/demo.js';
import { readPostLinks, readPostLinksByPost } from '../db/plugin/links/posts.js';
import { readWebhooks, removeWebhook } from '../db/plugin/webhook-secrets.js';
import type { Logger } from '../logging/logger.js';
import { ListenError } from '../api/server.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import type { SandboxSnapshot, SandboxStore } from '../sandbox/store.js';
import { NumerikClient } from '../sync/numerik/client.js';
import type { PostInput } from '../sync/numerik/types.js';
import { registerWebhook } from '../sync/webhooks.js';

export interface DemoNumerik {
  sandbox: Sandbox;
  client: NumerikClient;
  /** The demo's admin token (the page's buttons and `exo-numerik demo` use it). */
  adminToken: string;
  routers: Router[];
  view(): Promise<DemoView>;
  /** Registers the service's receiver with the sandbox (the last run's registrations are dropped). */
  connect(db: Db, serviceUrl: string): Promise<void>;
  close(): Promise<void>;
}

const SNAPSHOT = 'sandbox.json';

/** The Numerik side of the demo company: the people, customers and tags that match its Exo side. */
function seedNumerik(store: SandboxStore): void {
  store.addUser({ name: 'Ann Smith', email: 'ann@demo.example' });
  store.addUser({ name: 'Raj Patel', email: 'raj@demo.example' });
  store.upsertCustomer({ name: 'Acme Ltd', external_ref: 'DR:101' });
  store.upsertCustomer({ name: 'Kiwi Kitchens', external_ref: 'DR:102' });
  store.upsertCustomer({ name: 'Paper Co', external_ref: 'CR:7' });
  store.upsertCustomer({ name: 'Harbour Cafe', external_ref: 'NA:3' });
  for (const tag of ['Phone call', 'Meeting', 'Email', 'Follow-up', 'VIP']) store.addTag(tag);
}

/** Two posts made in Numerik, once the receiver listens: they arrive in Exo as activities. */
function samplePosts(store: SandboxStore): void {
  const user = (email: string) => [...store.users.values()].find((u) => u.email === email)!.id;
  const acme = [...store.customers.values()].find((c) => c.external_ref === 'DR:101')!;
  const [ann, raj] = [user('ann@demo.example'), user('raj@demo.example')];
  store.createPost({ type: 'note', customer_id: acme.id, body_text: 'Acme asked about delivery dates\nThey need the chairs by March.', tags: ['VIP'] } as PostInput, raj);
  store.createPost({ type: 'task', customer_id: acme.id, body_text: 'Send Acme the revised quote', assignee_id: ann } as PostInput, raj);
}

async function sandboxOn(port: number, snapshot: SandboxSnapshot | undefined, logger: Logger): Promise<Sandbox> {
  try {
    return await startSandbox({ port, snapshot });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    logger.warn(`port ${port} is in use; the demo's Numerik sandbox takes a free port instead`);
    return startSandbox({ port: 0, snapshot });
  }
}

/**
 * The Numerik of `npm start` without configuration: the sandbox on loopback, its state kept in
 * `dir` between runs so the demo's links stay true.
 */
export async function startDemoNumerik(db: Db, o: { dir: string; port: number; logger: Logger; timeZone: string; adminToken?: string }): Promise<DemoNumerik> {
  const file = path.join(o.dir, SNAPSHOT);
  const snapshot = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SandboxSnapshot) : undefined;
  const sandbox = await sandboxOn(o.port, snapshot, o.logger).catch((error: unknown) => {
    throw new ListenError(`the demo's Numerik sandbox cannot start: ${(error as Error).message}`);
  });
  if (!snapshot) seedNumerik(sandbox.store);
  const client = new NumerikClient({ baseUrl: sandbox.url, token: sandbox.token, logger: o.logger });
  const adminToken = o.adminToken ?? demoAdminToken(o.dir);
  const save = async () => {
    const temporary = `${file}.${process.pid}.partial`;
    await writeFile(temporary, JSON.stringify(sandbox.store.snapshot()));
    await rename(temporary, file);
  };
  let saving = Promise.resolve();
  let pending: NodeJS.Timeout | undefined;
  const onEvent = () => {
    pending ??= setTimeout(() => {
      pending = undefined;
      saving = saving.then(save).catch((error: unknown) => void o.logger.warn('could not save the demo sandbox', { error: (error as Error).message }));
    }, 500);
  };
  sandbox.store.events.on('event', onEvent);
  const view = async (): Promise<DemoView> => {
    const activities = await recentDemoActivities(db);
    const links = await readPostLinks(db, activities.map((a) => a.seqno));
    const posts = [...sandbox.store.posts.values()].filter((p) => !p.deleted_at).slice(-8).reverse();
    const postLinks = await readPostLinksByPost(db, posts.map((p) => p.id));
    return {
      sandboxUrl: sandbox.url,
      activities: activities.map((a) => ({ ...a, postId: links.get(a.seqno)?.postId ?? null })),
      posts: posts.map((p) => ({ id: p.id, text: p.body_text, activitySeqno: postLinks.get(p.id)?.activitySeqno ?? null })),
    };
  };
  return {
    sandbox,
    client,
    adminToken,
    routers: [demoRouter({ db, store: sandbox.store, adminToken, timeZone: o.timeZone, view })],
    view,
    async connect(db, serviceUrl) {
      for (const hook of await readWebhooks(db)) await removeWebhook(db, hook.id);
      await registerWebhook(db, client, `${serviceUrl}/webhooks/numerik`);
      if (!snapshot) samplePosts(sandbox.store);
    },
    async close() {
      sandbox.store.events.off('event', onEvent);
      clearTimeout(pending);
      await saving;
      await save();
      await client.close();
      await sandbox.close();
    },
  };
}

/**
 * The demo's admin token, made once and kept in its folder (readable by this user only), so the
 * status page's address and session stay the same from one `npm start` to the next.
 */
function demoAdminToken(dir: string): string {
  const file = path.join(dir, 'admin-token');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return kept;
  }
  const token = randomBytes(18).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
