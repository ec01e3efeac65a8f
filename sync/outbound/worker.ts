import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Knex } from 'knex';
import type { Db } from '../../db/connect.js';
import { writeLog, type LogEntry } from '../../db/plugin/log.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { fanOutSets } from '../../db/plugin/queue/fan-out.js';
import { echoesToHistory } from '../../db/plugin/queue/history-echoes.js';
import { QUEUE_LANES, laneOf, type QueueLane } from '../../db/plugin/queue/lanes.js';
import { claimWork, type WorkRow } from '../../db/plugin/work/claim.js';
import { completeWork } from '../../db/plugin/work/complete.js';
import { renewWork } from '../../db/plugin/work/renew.js';
import { retireWork } from '../../db/plugin/work/retire.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { cachedLookups } from '../lookups.js';
import { refreshRecordFields, type RecordOutcome } from '../record/refresh-fields.js';
import type { RecordEvent } from '../record/state-text.js';
import { decideActivity } from '../preview/decide.js';
import { recordShadowBatch, shadowRelease } from '../shadow.js';
import type { NumerikClient } from '../numerik/client.js';
import type { OptionsSource } from '../options-source.js';
import { settleNotDone } from '../settle-failure.js';
import { WORKER_MAX_WAIT_MS, WorkerLoop, drainBatches, idleWait } from '../worker-loop.js';
import { MAX_RESTARTS } from '../commit-check.js';
import { readActivityPairs } from '../read-set.js';
import { sendActivity, type Outcome } from './send.js';
import { SendSlots } from './send-slots.js';

export interface WorkerOptions {
  db: Db;
  client: NumerikClient;
  options: OptionsSource;
  logger?: Logger;
  workerId?: string;
  batchSize?: number;
  /** Items handled at once; the outbound worker's two lanes share them. */
  concurrency?: number;
  leaseMs?: number;
  /** Told how long each activity's send took (metrics). */
  onSend?(seconds: number): void;
}

export interface OutboundStats {
  batches: number;
  created: number;
  updated: number;
  /** Updates that met a change made in Numerik meanwhile and were merged with it. */
  merged: number;
  unchanged: number;
  skipped: number;
  parked: number;
  retried: number;
  dead: number;
  /** Sends that lost the race to an edit MAX_RESTARTS times running and wait, uncounted, for the next round. */
  busy: number;
  /** Sends that started over from fresh reads (their read set moved before they committed). */
  restarts: number;
}

interface Group {
  seqno: number;
  rows: WorkRow[];
  attempts: number;
}

export const newWorkerId = (role: string) => `${role}@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Drains X_NUMERIK_QUEUE into Numerik. A batch is claimed with a lease; the rows of one activity
 * become one send of the activity's current row; a row is finished only while its lease is held.
 * Several workers may drain one queue; one that dies loses its lease and another takes over.
 * Live changes and a backfill's history are claimed by two loops, each with its own batch: a live
 * edit waits for neither a history batch nor the history queued ahead. Their sends share one budget
 * (SendSlots), live first.
 */
export class OutboundWorker {
  readonly id: string;
  readonly stats: OutboundStats = { batches: 0, created: 0, updated: 0, merged: 0, unchanged: 0, skipped: 0, parked: 0, retried: 0, dead: 0, busy: 0, restarts: 0 };
  private readonly logger: Logger;
  private readonly loops: WorkerLoop[];
  private readonly lookups: ReturnType<typeof cachedLookups>;
  private readonly release: ReturnType<typeof shadowRelease>;
  private readonly unreadableSets = new Set<string>();
  private readonly slots: SendSlots;

  private readonly o: WorkerOptions;

  constructor(options: WorkerOptions) {
    const o = (this.o = { ...options, client: options.client.waitingAtMost(WORKER_MAX_WAIT_MS) });
    this.id = o.workerId ?? newWorkerId('outbound');
    this.slots = new SendSlots(o.concurrency ?? 16);
    this.logger = o.logger ?? silentLogger;
    this.lookups = cachedLookups(o.db);
    this.release = shadowRelease(o.db, OBJECTS.queue, 'outbound', this.logger);
    this.loops = QUEUE_LANES.map(
      (lane) =>
        new WorkerLoop(
          lane === 'live' ? 'outbound' : `outbound ${lane}`,
          async () => ({ full: (await this.runBatch(lane)) >= (o.batchSize ?? 100) }),
          async () => idleWait(o.client, (await o.options()).pollSeconds * 1000),
          this.logger,
        ),
    );
  }

  /** Bulk statements' sets become queue rows before a claim, so they are claimed like any change. */
  private async fanOut(): Promise<void> {
    const { queued, unreadable } = await fanOutSets(this.o.db);
    if (queued) this.logger.info('split bulk changes into the queue', { activities: queued });
    for (const problem of unreadable) {
      if (this.unreadableSets.has(problem)) continue;
      this.unreadableSets.add(problem);
      this.logger.error(problem);
    }
  }

  /** Claims and sends one batch (of one lane's rows, if given); returns how many queue rows it claimed. */
  async runBatch(lane?: QueueLane): Promise<number> {
    const options = await this.o.options();
    if (!options.syncExoToNumerik) return 0;
    const { db } = this.o;
    // Shadow release and bulk sets concern live changes: the history lane leaves them to the live one.
    if (lane !== 'history') {
      await this.release(options.shadow);
      await this.fanOut();
    }
    // While Numerik asks to wait, claiming would only hand the work back.
    if (this.o.client.pausedUntil()) return 0;
    const leaseMs = this.o.leaseMs ?? 60_000;
    const claimedAt = new Date();
    const rows = await claimWork(db, OBJECTS.queue, { worker: this.id, limit: this.o.batchSize ?? 100, leaseMs, lane: lane && laneOf(lane) });
    if (!rows.length) return 0;
    const ids = rows.map((r) => r.id);
    const renewal = setInterval(() => void renewWork(db, OBJECTS.queue, ids, this.id, leaseMs).catch(() => undefined), leaseMs / 3);
    try {
      const groups = this.group(rows);
      const seqnos = groups.map((g) => g.seqno);
      const [lookups, pairs] = await Promise.all([this.lookups(options), readActivityPairs(db, seqnos)]);
      const { activities, links } = pairs;
      const unsettled = new Set(pairs.unsettled);
      if (options.shadow) {
        // Decided as always, done never: the rows wait, shadowed, until shadow mode ends.
        const deps = { db, client: this.o.client, lookups };
        const items = await Promise.all(groups.map((g) => decideActivity(deps, 'queue', g.seqno, activities.get(g.seqno), links.get(g.seqno))));
        await recordShadowBatch(db, OBJECTS.queue, this.id, ids, items);
        this.stats.batches += 1;
        return rows.length;
      }
      const outcomes = await Promise.all(
        groups.map((g) =>
          this.slots.run(lane ?? 'live', async (): Promise<Exclude<Outcome, { kind: 'moved' }>> => {
            // Claimed this often without finishing: the worker holding it kept dying.
            if (g.attempts > options.maxAttempts) return { kind: 'dead', error: `gave up after ${g.attempts - 1} attempts that never finished` };
            if (unsettled.has(g.seqno)) return { kind: 'busy', restarts: 0, reason: 'its link kept changing while it was read' };
            const finish = async (trx: Knex.Transaction) => (await completeWork(db, OBJECTS.queue, g.rows.map((r) => r.id), this.id, trx)) > 0;
            const started = performance.now();
            let [activity, link] = [activities.get(g.seqno), links.get(g.seqno)];
            // Read → decide → commit-if-unchanged: a send whose read set moved is read and decided again.
            let landed = false;
            for (let restarts = 1; ; restarts += 1) {
              const outcome = await sendActivity({ db, client: this.o.client, finish, worker: this.id }, g.seqno, activity, link, lookups, g.attempts);
              if (outcome.kind !== 'moved') {
                this.o.onSend?.((performance.now() - started) / 1000);
                // An edit an earlier round carried is a change made, even if nothing was left to send after it.
                return landed && outcome.kind === 'done' && outcome.action === 'unchanged' ? { ...outcome, action: 'updated' } : outcome;
              }
              landed ||= outcome.landed === true;
              this.stats.restarts += 1;
              const again = await readActivityPairs(db, [g.seqno]);
              if (restarts >= MAX_RESTARTS || again.unsettled.length) return { kind: 'busy', restarts, reason: outcome.reason };
              [activity, link] = [again.activities.get(g.seqno), again.links.get(g.seqno)];
            }
          }),
        ),
      );
      const recorded = await this.settle(groups, outcomes, options.maxAttempts, claimedAt);
      if (lane === 'history') await echoesToHistory(db, seqnos, Math.max(...ids));
      await refreshRecordFields(db, recorded, options, this.logger);
      this.stats.batches += 1;
      return rows.length;
    } finally {
      clearInterval(renewal);
    }
  }

  /** Runs batches until nothing is ready (`sync --once`); items waiting for a retry stay queued. */
  async drain(): Promise<OutboundStats> {
    await drainBatches(this.o.client, () => this.runBatch());
    return this.stats;
  }

  start(): void {
    for (const loop of this.loops) loop.start();
  }

  /** Stops taking work; the batches in flight finish and settle their rows, so no lease is left held. */
  async stop(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
  }

  private group(rows: WorkRow[]): Group[] {
    const groups = new Map<number, Group>();
    for (const r of rows) {
      const seqno = Number(r.row.ACTIVITY_SEQNO);
      const g = groups.get(seqno) ?? { seqno, rows: [], attempts: 0 };
      g.rows.push(r);
      g.attempts = Math.max(g.attempts, r.attempts);
      groups.set(seqno, g);
    }
    return [...groups.values()];
  }

  /** Finishes the batch's rows as their outcomes say; returns what each activity's state field should show. */
  private async settle(groups: Group[], outcomes: Exclude<Outcome, { kind: 'moved' }>[], maxAttempts: number, claimedAt: Date): Promise<RecordOutcome[]> {
    const { db } = this.o;
    const doneIds: number[] = [];
    const doneLog: LogEntry[] = [];
    const recorded: RecordOutcome[] = [];
    const record = (seqno: number, event: RecordEvent | undefined) => event && recorded.push({ seqno, event });
    for (const [i, outcome] of outcomes.entries()) {
      const g = groups[i]!;
      const ids = g.rows.map((r) => r.id);
      const keys = { worker: this.id, activity: g.seqno };
      switch (outcome.kind) {
        case 'done':
          if (!outcome.finished) doneIds.push(...ids);
          doneLog.push(...outcome.log);
          this.stats[outcome.action] += 1;
          if (outcome.action !== 'unchanged') this.logger.info(`outbound ${outcome.action}`, { ...keys, post: outcome.postId });
          record(g.seqno, doneEvent(outcome, changedAt(g.rows, 'QUEUED_AT', claimedAt)));
          break;
        default: {
          const result = await settleNotDone(db, { direction: 'outbound', table: OBJECTS.queue, worker: this.id, ids, attempts: g.attempts, maxAttempts, item: { activitySeqno: g.seqno } }, outcome, this.logger);
          if (result !== 'lost') this.stats[result] += 1;
          if (result === 'parked' && outcome.kind === 'park') record(g.seqno, { kind: 'waiting', reason: outcome.reason });
          if (result === 'dead') record(g.seqno, { kind: 'stopped' });
        }
      }
    }
    if (doneIds.length) await retireWork(db, OBJECTS.queue, doneIds, this.id, doneLog);
    else if (doneLog.length) await writeLog(db, doneLog);
    return recorded;
  }
}

function doneEvent(outcome: Extract<Outcome, { kind: 'done' }>, changedAt: Date | undefined): RecordEvent | undefined {
  if (outcome.action === 'skipped') return outcome.byLink ? undefined : { kind: 'not-synced', reason: outcome.reason ?? 'skipped' };
  return { kind: 'synced', transferred: outcome.action !== 'unchanged', conflict: outcome.conflict ?? false, changedAt, ...(outcome.restored ? { restored: true } : {}) };
}

/**
 * When the newest change work rows stand for was captured or received (a time column of theirs, by
 * the database's clock), and no later than `claimedAt`, when they were claimed by ours: cards are
 * logged by ours, and one that their converge writes must never read as older than the change.
 */
export function changedAt(rows: readonly WorkRow[], column: string, claimedAt: Date): Date | undefined {
  const times = rows.map((r) => r.row[column]).filter((t): t is Date => t instanceof Date);
  return times.length ? new Date(Math.min(claimedAt.getTime(), Math.max(...times.map((t) => t.getTime())))) : undefined;
}
