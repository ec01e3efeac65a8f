import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Db } from '../../db/connect.js';
import { silentLogger } from '../../logging/logger.js';
import { startService, type Service } from '../../service/service.js';
import { registerWebhook } from '../../sync/webhooks.js';
import { exoSeed, type ExoSeed } from '../../db/exo/fixture/seed.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { Migrator } from '../../migrations/runner.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { NumerikClient } from '../../sync/numerik/client.js';
import { defaultSyncOptions, type SyncOptionsInput } from '../../sync/options.js';
import { optionsSource } from '../../sync/options-source.js';
import { OutboundWorker, type WorkerOptions } from '../../sync/outbound/worker.js';
import { refreshReferenceData } from '../../sync/reference/refresh.js';
import { exoDb } from './exo.js';
import type { TestEngine } from './targets.js';

export const TEST_ZONE = 'Pacific/Auckland';

/** An Exo company and its Numerik counterpart, migrated and linked, as a deployed site would be. */
export interface SyncFixture {
  db: Db;
  seed: ExoSeed;
  sandbox: Sandbox;
  client: NumerikClient;
  options: SyncOptionsInput;
  staff: { ann: number; raj: number; eve: number };
  types: { call: number; meeting: number; internal: number };
  statuses: { open: number; cancelled: number };
  users: { ann: string; raj: string };
  customers: { acme: string; paper: string };
  worker(over?: Partial<WorkerOptions>): OutboundWorker;
  refresh(): ReturnType<typeof refreshReferenceData>;
  queueDepth(): Promise<number>;
  close(): Promise<void>;
}

export async function syncFixture(engine: TestEngine, options: SyncOptionsInput = {}): Promise<SyncFixture> {
  const db = await exoDb(engine);
  await new Migrator(db).up();
  const seed = exoSeed(db);
  const staff = {
    ann: await seed.staff({ name: 'Ann Smith', email: 'ann@example.com', loginId: 'ANN' }),
    raj: await seed.staff({ name: 'Raj Patel', email: 'RAJ@example.com', loginId: 'RAJ' }),
    eve: await seed.staff({ name: 'Eve Excluded', email: 'eve@example.com', loginId: 'EVE' }),
  };
  const types = { call: await seed.taskType('Phone call'), meeting: await seed.taskType('Meeting'), internal: await seed.taskType('Internal') };
  const statuses = { open: await seed.taskStatus('Open'), cancelled: await seed.taskStatus('Cancelled') };
  await seed.debtor({ accno: 101, name: 'Acme Ltd' });
  await seed.debtor({ accno: 102, name: 'Kiwi Kitchens' });
  await seed.creditor({ accno: 7, name: 'Paper Co' });

  const sandbox = await startSandbox();
  const users = {
    ann: sandbox.store.addUser({ name: 'Ann Smith', email: 'Ann@Example.com' }).id,
    raj: sandbox.store.addUser({ name: 'Raj Patel', email: 'raj@example.com' }).id,
  };
  const customers = {
    acme: sandbox.store.upsertCustomer({ name: 'Acme Ltd', external_ref: 'DR:101' }).id,
    paper: sandbox.store.upsertCustomer({ name: 'Paper Co', external_ref: 'CR:7' }).id,
  };
  sandbox.store.addTag('phone CALL');
  const client = new NumerikClient({ baseUrl: sandbox.url, token: sandbox.token, backoff: { baseMs: 10, capMs: 100 } });
  const configured: SyncOptionsInput = { timeZone: TEST_ZONE, excludedStaff: ['EVE'], excludedActivityTypes: ['Internal'], excludedActivityStatuses: [statuses.cancelled], pollSeconds: 0.05, ...options };
  const source = optionsSource(db, configured);
  const fixture: SyncFixture = {
    db,
    seed,
    sandbox,
    client,
    options: configured,
    staff,
    types,
    statuses,
    users,
    customers,
    worker: (over = {}) => new OutboundWorker({ db, client, options: source, leaseMs: 10_000, ...over }),
    refresh: async () => refreshReferenceData(db, client, await source()),
    /** Queue rows, plus bulk statements' sets not yet split into queue rows. */
    async queueDepth() {
      const counts = await Promise.all([OBJECTS.queue, OBJECTS.queueSets].map((t) => db.table(t).count({ n: '*' })));
      return counts.reduce((sum, [row]) => sum + Number((row as { n: number | string }).n), 0);
    },
    async close() {
      await client.close();
      await sandbox.close();
    },
  };
  await fixture.refresh();
  return fixture;
}

type StoredPost = Sandbox['store']['posts'] extends Map<string, infer P> ? P : never;

/** Every post in the sandbox made for an Exo activity (deleted ones too), by activity key. */
export function postsByActivity(sandbox: Sandbox): Map<number, StoredPost[]> {
  const map = new Map<number, StoredPost[]>();
  for (const post of sandbox.store.posts.values()) {
    const m = /^exo-task:(\d+):/.exec(post.external_ref ?? '');
    if (!m) continue;
    map.set(Number(m[1]), [...(map.get(Number(m[1])) ?? []), post]);
  }
  return map;
}

export async function logEntries(db: Db, kind?: string): Promise<{ KIND: string; ACTIVITY_SEQNO: number | null; POST_ID: string | null; REASON: string; DETAIL: string | null; RESOLVED_AT: Date | null }[]> {
  const q = db.table(OBJECTS.log).select('KIND', 'ACTIVITY_SEQNO', 'POST_ID', 'REASON', 'DETAIL', 'RESOLVED_AT').orderBy('ID');
  return kind ? q.where({ KIND: kind }) : q;
}

/** A new activity whose one attempt failed (Numerik answering 503), so it is a dead letter at once. */
export async function deadLetteredActivity(f: SyncFixture, subject: string): Promise<number> {
  const worker = f.worker({ options: async () => defaultSyncOptions({ ...f.options, maxAttempts: 1 }) });
  f.sandbox.faults.set({ serverErrorsForMs: 60_000 });
  try {
    const id = await f.seed.task({ subject, companyId: 'D101' });
    await worker.runBatch();
    return id;
  } finally {
    f.sandbox.faults.clear();
  }
}

/** Waits until webhooks are delivered (unless told not to) and both work tables are empty. */
export async function settled(f: SyncFixture, options: { timeoutMs?: number; webhooks?: boolean } = {}): Promise<void> {
  const until = Date.now() + (options.timeoutMs ?? 20_000);
  let quietSince = 0;
  while (Date.now() < until) {
    const [inbox] = await f.db.table(OBJECTS.inbox).count({ n: '*' });
    const held = options.webhooks === false ? 0 : f.sandbox.webhooks.pending;
    const busy = held > 0 || (await f.queueDepth()) > 0 || Number((inbox as { n: number | string }).n) > 0;
    if (!busy) {
      quietSince ||= Date.now();
      if (Date.now() - quietSince > 300) return;
    } else quietSince = 0;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the sync did not settle');
}

/** A site with the whole service running on it and its webhook registered, as most end-to-end suites need. */
export async function runningSite(engine: TestEngine, options: SyncOptionsInput = {}): Promise<{ f: SyncFixture; service: Service }> {
  const f = await syncFixture(engine, options);
  const service = await startService({ db: f.db, client: f.client, logger: silentLogger, sync: f.options, api: { host: '127.0.0.1', port: 0 }, worker: { leaseMs: 10_000 } });
  await registerWebhook(f.db, f.client, `${service.url}/webhooks/numerik`);
  return { f, service };
}

/** Declares the suite's hooks for a running site: made before its tests, faults cleared before each, stopped after. */
export function withRunningSite(engine: TestEngine, options: SyncOptionsInput, use: (site: { f: SyncFixture; service: Service }) => void): void {
  let site: { f: SyncFixture; service: Service } | undefined;
  beforeAll(async () => {
    site = await runningSite(engine, options);
    use(site);
  });
  afterAll(async () => {
    await site?.service.stop();
    await site?.f.close();
  });
  beforeEach(() => site?.f.sandbox.faults.clear());
}
