import type { Knex } from 'knex';
import pLimit from 'p-limit';
import { ATTACHMENTS_JOB } from '../../db/plugin/inbox/store-event.js';
import { readPostLinksByPost, type PostLink } from '../../db/plugin/links/posts.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { claimWork, type WorkRow } from '../../db/plugin/work/claim.js';
import { completeWork } from '../../db/plugin/work/complete.js';
import { renewWork } from '../../db/plugin/work/renew.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { attachmentsJob } from '../attachments/job.js';
import { converge, type ConvergeOutcome, type Reread } from '../converge/converge.js';
import { Moved } from '../commit-check.js';
import { readPairs } from '../read-set.js';
import { cachedLookups, type Lookups } from '../lookups.js';
import { refreshRecordFields, type RecordOutcome } from '../record/refresh-fields.js';
import type { RecordEvent } from '../record/state-text.js';
import { decidePost, unknownPost } from '../preview/decide.js';
import { recordShadowBatch, shadowRelease } from '../shadow.js';
import type { Activity } from '../../db/exo/activities.js';
import type { PostLookup } from '../numerik/client.js';
import { settleNotDone } from '../settle-failure.js';
import { WORKER_MAX_WAIT_MS, WorkerLoop, drainBatches, idleWait } from '../worker-loop.js';
import { adoptionOf } from './adoption.js';
import { receiveInFlight, sendInFlight } from '../../db/plugin/work/in-flight.js';
import { failureOf } from '../error-cause.js';
import { changedAt, newWorkerId, type WorkerOptions } from '../outbound/worker.js';

export interface InboundStats {
  batches: number;
  inserted: number;
  updated: number;
  inSync: number;
  deleted: number;
  skipped: number;
  conflicts: number;
  parked: number;
  retried: number;
  dead: number;
  /** Posts that lost the race to an edit MAX_RESTARTS times running and wait, uncounted, for the next round. */
  busy: number;
  /** Converges that started over from fresh reads (their read set moved before they committed). */
  restarts: number;
}

interface Group {
  /** An event about the post, or the job of downloading its attachments. */
  kind: 'post' | 'attachments';
  postId: string;
  rows: WorkRow[];
  attempts: number;
  /** The newest version the events name; null when one of them names none (a poll, a deletion). */
  version: number | null;
  deletion: boolean;
}

const USER_NAMES_TTL_MS = 5 * 60_000;
const GATHER_MS = 100;
const WRITERS = 4;

/** Every event of the group names a version of the post the link has already synced. */
function alreadyAgreed(g: Group, link: PostLink | undefined): boolean {
  return g.kind === 'post' && !g.deletion && !!link && g.version !== null && link.numerikVersion !== null && g.version <= link.numerikVersion;
}

/**
 * Applies X_NUMERIK_INBOX to Exo. Events of one post coalesce into one fetch of the post's current
 * state (webhooks only say what to look at); a version the link has already seen costs nothing.
 * The activity, its link and the events' completion are written in one transaction (converge).
 */
export class InboundWorker {
  readonly id: string;
  readonly stats: InboundStats = { batches: 0, inserted: 0, updated: 0, inSync: 0, deleted: 0, skipped: 0, conflicts: 0, parked: 0, retried: 0, dead: 0, busy: 0, restarts: 0 };
  private readonly logger: Logger;
  private readonly loop: WorkerLoop;
  private readonly lookups: ReturnType<typeof cachedLookups>;
  private userNames: { at: number; names: Map<string, string> } | undefined;
  /**
   * Numerik is fetched from `concurrency` posts at once (its latency hides behind that), but at most
   * WRITERS of them write to Exo's database at once: the worker never crowds out Exo's own users,
   * or the webhook receiver, whose answer waits for its one INSERT.
   */
  private readonly writes = pLimit(WRITERS);
  private readonly release: ReturnType<typeof shadowRelease>;

  private readonly o: WorkerOptions;

  constructor(options: WorkerOptions) {
    const o = (this.o = { ...options, client: options.client.waitingAtMost(WORKER_MAX_WAIT_MS) });
    this.id = o.workerId ?? newWorkerId('inbound');
    this.logger = o.logger ?? silentLogger;
    this.lookups = cachedLookups(o.db);
    this.release = shadowRelease(o.db, OBJECTS.inbox, 'inbound', this.logger);
    this.loop = new WorkerLoop(
      'inbound',
      async () => ({ full: (await this.runBatch()) >= (o.batchSize ?? 100) }),
      async () => idleWait(o.client, (await o.options()).pollSeconds * 1000),
      this.logger,
    );
  }

  async runBatch(): Promise<number> {
    const options = await this.o.options();
    if (!options.syncNumerikToExo) return 0;
    const { db } = this.o;
    await this.release(options.shadow);
    // While Numerik asks to wait, claiming would only hand the work back.
    if (this.o.client.pausedUntil()) return 0;
    const leaseMs = this.o.leaseMs ?? 60_000;
    const claimedAt = new Date();
    const rows = await claimWork(db, OBJECTS.inbox, { worker: this.id, limit: this.o.batchSize ?? 100, leaseMs });
    if (!rows.length) return 0;
    const ids = rows.map((r) => r.id);
    const renewal = setInterval(() => void renewWork(db, OBJECTS.inbox, ids, this.id, leaseMs).catch(() => undefined), leaseMs / 3);
    try {
      const groups = this.group(rows);
      const [lookups, pairs] = await Promise.all([this.lookups(options, await this.names()), this.readPairs(groups.map((g) => g.postId))]);
      const { links, activities: linkedActivities } = pairs;
      const unsettled = new Set(pairs.unsettled);
      if (options.shadow) {
        await this.shadow(groups, ids, links, linkedActivities, lookups);
        return rows.length;
      }
      const finisher = (g: Group) => async (trx: Knex.Transaction) => (await completeWork(db, OBJECTS.inbox, g.rows.map((r) => r.id), this.id, trx)) > 0;
      // Groups whose every event names a version both sides already agreed on (an echo, or late)
      // finish together, in one transaction, and cost Numerik nothing.
      const seen = groups.filter((g) => g.attempts <= options.maxAttempts && alreadyAgreed(g, links.get(g.postId)));
      const finishedSeen = new Map<Group, boolean>();
      if (seen.length) await db.knex.transaction(async (trx) => { for (const g of seen) finishedSeen.set(g, await finisher(g)(trx)); });
      const limit = pLimit(this.o.concurrency ?? 16);
      const outcomes = await Promise.all(
        groups.map((g) =>
          limit(async (): Promise<ConvergeOutcome> => {
            const seenDone = finishedSeen.get(g);
            if (seenDone !== undefined) return seenDone ? { kind: 'done', action: 'in-sync', conflicts: [] } : { kind: 'lost' };
            if (g.attempts > options.maxAttempts) return { kind: 'dead', error: `gave up after ${g.attempts - 1} attempts that never finished` };
            if (unsettled.has(g.postId)) return { kind: 'busy', restarts: 0, reason: 'its link kept changing while it was read' };
            const link = links.get(g.postId);
            if (g.kind === 'attachments') return attachmentsJob({ db, client: this.o.client }, g.postId, link, options, finisher(g));
            return this.apply(g, link && { ...link }, link ? linkedActivities.get(link.activitySeqno) : undefined, lookups, finisher(g));
          }),
        ),
      );
      const recorded = await this.settle(groups, outcomes, options.maxAttempts, links, claimedAt);
      await refreshRecordFields(db, recorded, options, this.logger);
      this.stats.batches += 1;
      return rows.length;
    } finally {
      clearInterval(renewal);
    }
  }

  /** Shadow mode: each post decided as always (attachment jobs left waiting), nothing written; the rows wait, shadowed. */
  private async shadow(groups: Group[], ids: number[], links: Map<string, PostLink>, linked: Map<number, Activity>, lookups: Lookups): Promise<void> {
    const deps = { db: this.o.db, client: this.o.client, lookups };
    const limit = pLimit(this.o.concurrency ?? 16);
    const items = await Promise.all(
      groups
        .filter((g) => g.kind === 'post')
        .map((g) =>
          limit(async () => {
            const link = links.get(g.postId);
            const lookup = await this.o.client.getPost(g.postId).catch((error: unknown) => error as Error);
            if (lookup instanceof Error) return unknownPost('inbox', g.postId, link, lookup);
            return decidePost(deps, 'inbox', lookup, g.postId, link, link ? linked.get(link.activitySeqno) : undefined);
          }),
        ),
    );
    await recordShadowBatch(this.o.db, OBJECTS.inbox, this.id, ids, items);
    this.stats.batches += 1;
  }

  async drain(): Promise<InboundStats> {
    await drainBatches(this.o.client, () => this.runBatch());
    return this.stats;
  }

  start(): void {
    this.loop.start();
  }

  /**
   * Wakes an idle worker: an event was just stored. Events arriving within 100 ms make one batch,
   * so a burst of webhooks costs a few claims instead of one each (and leaves the receiver, which
   * shares the database and the machine, its headroom), for at most 100 ms more delay.
   */
  poke(): void {
    this.loop.poke(GATHER_MS);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async apply(
    g: Group,
    link: Parameters<typeof converge>[1]['link'],
    activity: Parameters<typeof converge>[1]['activity'],
    lookups: Lookups,
    finish: (trx: Knex.Transaction) => Promise<boolean>,
  ): Promise<ConvergeOutcome> {
    let read: Reread;
    try {
      read = await this.readPost(g.postId, link, activity);
    } catch (error) {
      return failureOf(error, this.o.db.dialect);
    }
    // A converge that lost the race reads the pair and the post again, and decides again.
    const reread = async (): Promise<Reread> => {
      const pair = await this.readPairs([g.postId]);
      if (pair.unsettled.length) throw new Moved(`the link of post ${g.postId} kept changing while it was read`);
      const again = pair.links.get(g.postId);
      return this.readPost(g.postId, again, again && pair.activities.get(again.activitySeqno));
    };
    const otherInFlight = async () => {
      const seqno = link?.activitySeqno;
      if (seqno !== undefined && (await sendInFlight(this.o.db, seqno))) return `Exo's change to activity ${seqno} is being sent: the conflict is decided after it`;
      if (await receiveInFlight(this.o.db, g.postId, this.id)) return `another worker is applying post ${g.postId}: the conflict is decided after it`;
      return undefined;
    };
    return this.writes(() => converge({ db: this.o.db, client: this.o.client }, { postId: g.postId, ...read, lookups, finish, direction: 'inbound', reread, otherInFlight }));
  }

  /** Links and their activities, of these posts, as consistent pairs. */
  private readPairs(postIds: readonly string[]) {
    return readPairs(this.o.db, postIds, (keys) => readPostLinksByPost(this.o.db, keys), (_, link) => link?.activitySeqno, 'inbound');
  }

  /** The post as Numerik has it now, and for a post without a link the activity it may belong to. */
  private async readPost(postId: string, link: PostLink | undefined, activity: Activity | undefined): Promise<Reread> {
    const lookup: PostLookup = await this.o.client.getPost(postId);
    let target = activity;
    let refusedRef: string | undefined;
    let adoptionParked: string | undefined;
    let adoptionWait: string | undefined;
    if (!link && lookup.kind === 'post') {
      const adoption = await adoptionOf(this.o.db, lookup.post, this.o.client);
      target = adoption.activity;
      refusedRef = adoption.refused;
      adoptionParked = adoption.park;
      adoptionWait = adoption.wait;
    }
    const deleted = lookup.kind === 'gone' ? { at: lookup.deletedAt ?? new Date().toISOString(), by: lookup.deletedBy ?? null } : undefined;
    return { lookup, link, activity: target, refusedRef, adoptionParked, adoptionWait, deleted };
  }

  private async names(): Promise<Map<string, string>> {
    if (!this.userNames || Date.now() - this.userNames.at > USER_NAMES_TTL_MS) {
      const users = await this.o.client.listUsers().catch(() => []);
      this.userNames = { at: Date.now(), names: new Map(users.map((u) => [u.id, u.name])) };
    }
    return this.userNames.names;
  }

  private group(rows: WorkRow[]): Group[] {
    const groups = new Map<string, Group>();
    for (const r of rows) {
      const postId = String(r.row.POST_ID);
      const kind = r.row.EVENT_TYPE === ATTACHMENTS_JOB ? 'attachments' : 'post';
      const version = r.row.POST_VERSION === null || r.row.POST_VERSION === undefined ? null : Number(r.row.POST_VERSION);
      const key = `${kind}:${postId}`;
      const g = groups.get(key) ?? { kind, postId, rows: [], attempts: 0, version: 0, deletion: false };
      g.rows.push(r);
      g.attempts = Math.max(g.attempts, r.attempts);
      g.version = g.version === null || version === null ? null : Math.max(g.version, version);
      g.deletion ||= r.row.EVENT_TYPE === 'post.deleted';
      groups.set(key, g);
    }
    return [...groups.values()];
  }

  /** Finishes the batch's rows as their outcomes say; returns what each linked activity's state field should show. */
  private async settle(groups: Group[], outcomes: ConvergeOutcome[], maxAttempts: number, links: Map<string, PostLink>, claimedAt: Date): Promise<RecordOutcome[]> {
    const { db } = this.o;
    const recorded: RecordOutcome[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const g = groups[i]!;
      const record = (seqno: number | undefined, event: RecordEvent | undefined) => g.kind === 'post' && seqno !== undefined && event && recorded.push({ seqno, event });
      const ids = g.rows.map((r) => r.id);
      const keys = { worker: this.id, post: g.postId };
      switch (outcome.kind) {
        case 'done': {
          const stat = outcome.action === 'in-sync' ? 'inSync' : outcome.action === 'adopted' ? 'updated' : outcome.action;
          this.stats[stat] += 1;
          this.stats.conflicts += outcome.conflicts.length ? 1 : 0;
          this.stats.restarts += outcome.restarts ?? 0;
          if (outcome.action !== 'in-sync') this.logger.info(`inbound ${outcome.action}`, { ...keys, activity: outcome.seqno });
          record(outcome.seqno, doneEvent(outcome, changedAt(g.rows, 'RECEIVED_AT', claimedAt)));
          break;
        }
        default: {
          const result = await settleNotDone(db, { direction: 'inbound', table: OBJECTS.inbox, worker: this.id, ids, attempts: g.attempts, maxAttempts, item: { postId: g.postId } }, outcome, this.logger);
          if (result !== 'lost') this.stats[result] += 1;
          const seqno = links.get(g.postId)?.activitySeqno;
          if (result === 'parked' && outcome.kind === 'park') record(seqno, { kind: 'waiting', reason: outcome.reason });
          if (result === 'dead') record(seqno, { kind: 'stopped' });
        }
      }
    }
    return recorded;
  }
}

function doneEvent(outcome: Extract<ConvergeOutcome, { kind: 'done' }>, changedAt: Date | undefined): RecordEvent | undefined {
  switch (outcome.action) {
    case 'deleted':
      return { kind: 'deleted-in-numerik' };
    case 'skipped':
      return undefined;
    default:
      return { kind: 'synced', transferred: outcome.action !== 'in-sync', conflict: outcome.conflicts.length > 0, changedAt };
  }
}

