import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TASKS } from '../db/exo/tasks.js';
import { OBJECTS } from '../db/plugin/objects.js';
import { instantToWallClock } from '../sync/mapping/time.js';
import type { InboundStats } from '../sync/inbound/worker.js';
import type { OutboundStats } from '../sync/outbound/worker.js';
import { syncFixture, type SyncFixture } from '../test/support/sync.js';
import { checkHistory } from '../test/support/torture/checker.js';
import { applyOp } from '../test/support/torture/edits.js';
import { readFinalState, readTrail } from '../test/support/torture/final-state.js';
import type { Edit, FinalState } from '../test/support/torture/history.js';
import { prng, type Prng } from '../test/support/torture/prng.js';
import { quiesce } from '../test/support/torture/quiesce.js';
import { lineWith, tokensIn } from '../test/support/torture/tokens.js';
import { WebhookFeed } from '../test/support/torture/webhooks.js';
import { inProcessWorkers, WorkerLog } from '../test/support/torture/workers.js';
import { DEFAULT_BENCH_PG_URL, median, openEngine, percentile } from './engines.js';

/**
 * `npm run bench -- contention [--seconds 60] [--rate 20] [--activities 50] [--latency 20] [--poll 0.2] [--seed S]`: races,
 * not conflicts. Linked activities are edited on both sides at once, an Exo user appending a line
 * to DETAILS (one SQL UPDATE) and a Numerik user inserting a line after the post's first, so a
 * line-by-line three-way merge can always take both; two outbound and two inbound workers (in this
 * process, as the torture run has them) bring them together. Each edit carries a token (the torture
 * run's); at rest the checker reads both sides. Reports edits lost, conflicts, the convergence time
 * of each edit (its token seen on both sides, both polled every 100 ms), restarts per converge, and
 * how long Exo's UPDATEs took against the same UPDATEs with the sync stopped.
 */
interface ContentionOptions {
  seconds: number;
  rate: number;
  activities: number;
  seed: number;
  latencyMs: number;
  pollSeconds: number;
  /** Exo UPDATEs with the sync stopped, half before the workers first start and half after the run. */
  baselineSeconds: number;
  quiesceMs: number;
}

function contentionOptions(): ContentionOptions {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: false,
    allowPositionals: true,
    options: {
      seconds: { type: 'string' },
      rate: { type: 'string' },
      activities: { type: 'string' },
      seed: { type: 'string' },
      latency: { type: 'string' },
      poll: { type: 'string' },
      'baseline-seconds': { type: 'string' },
    },
  });
  const number = (flag: string, env: string, fallback: number, min = 0): number => {
    const raw = values[flag] ?? process.env[env];
    const n = raw === undefined || typeof raw === 'boolean' ? fallback : Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${flag} (${env}) must be a number ≥ ${min}, not ${String(raw)}`);
    return n;
  };
  const seconds = number('seconds', 'CONTENTION_SECONDS', 60, 1);
  return {
    seconds,
    rate: number('rate', 'CONTENTION_RATE', 20, 0.1),
    activities: Math.round(number('activities', 'CONTENTION_ACTIVITIES', 50, 1)),
    seed: Math.round(number('seed', 'CONTENTION_SEED', Date.now() % 100_000)),
    latencyMs: number('latency', 'CONTENTION_LATENCY_MS', 20),
    pollSeconds: number('poll', 'CONTENTION_POLL_SECONDS', 0.2, 0.05),
    baselineSeconds: number('baseline-seconds', 'CONTENTION_BASELINE_SECONDS', Math.min(seconds, 20), 1),
    quiesceMs: 180_000,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/** One Exo UPDATE's duration: as the server timed it (statement received → row written, lock waits included) and round trip here. */
interface UpdateTiming {
  serverMs: number;
  clientMs: number;
}

interface Bench {
  f: SyncFixture;
  o: ContentionOptions;
  history: Edit[];
  next(): number;
}

/**
 * An Exo user's save that appends a line to DETAILS: one UPDATE, atomic on the row (it waits for
 * whatever holds the row's lock, the sync's commit included). RETURNING reads the server's clock
 * after the row is written, so the server's own figure leaves out this process's event loop.
 */
async function exoAppend(b: Bench, seqno: number, line: string, staff: number): Promise<UpdateTiming> {
  const { f } = b;
  const started = performance.now();
  const result = (await f.db.knex.raw(
    'UPDATE ?? SET ?? = ?? || ?, ?? = ?, ?? = ? WHERE ?? = ? RETURNING extract(epoch from clock_timestamp() - statement_timestamp()) * 1000 AS ms',
    [`${f.db.target.schema}.${TASKS}`, 'DETAILS', 'DETAILS', `\n${line}`, 'MODIFIEDDATE', instantToWallClock(new Date(), f.options.timeZone!), 'MODIFIEDBY', staff, 'SEQNO', seqno],
  )) as { rows: { ms: string | number }[] };
  const clientMs = performance.now() - started;
  if (result.rows.length !== 1) throw new Error(`activity ${seqno}: the UPDATE wrote ${result.rows.length} rows`);
  return { serverMs: Number(result.rows[0]!.ms), clientMs };
}

/** An Exo edit recorded in the history: a new last line of DETAILS carrying its token. */
async function exoEdit(b: Bench, seqno: number, words: number, staff: number, timings?: UpdateTiming[]): Promise<Edit> {
  const token = `e${b.next()}`;
  const edit: Edit = { token, side: 'exo', kind: 'insert', target: { side: 'exo', seqno }, startedAt: Date.now(), doneAt: 0 };
  edit.commitAt = edit.startedAt;
  b.history.push(edit);
  try {
    const timing = await exoAppend(b, seqno, lineWith(token, words), staff);
    timings?.push(timing);
  } catch (error) {
    edit.failed = message(error);
  }
  edit.doneAt = Date.now();
  return edit;
}

/** A Numerik user's edit recorded in the history: a line carrying its token inserted after the post's first. */
function numerikEdit(b: Bench, postId: string, words: number, actor: string): Edit {
  const at = Date.now();
  const token = `n${b.next()}`;
  const edit: Edit = { token, side: 'numerik', kind: 'insert', target: { side: 'numerik', postId }, startedAt: at, doneAt: at };
  b.history.push(edit);
  try {
    const store = b.f.sandbox.store;
    store.updatePost(postId, { body_text: applyOp(store.getPost(postId).body_text, { kind: 'insert', at: 1, line: lineWith(token, words) }) }, undefined, actor);
  } catch (error) {
    edit.failed = message(error);
  }
  return edit;
}

interface Linked {
  seqno: number;
  postId: string;
}

/**
 * Polls both sides every `everyMs` and notes, for each edit handed to it, when its token is first
 * in both the activity's DETAILS and the post's text: the edit's convergence time, from the
 * moment its write returned (an Exo UPDATE) or was made (a Numerik edit).
 */
class ConvergenceWatch {
  readonly times: number[] = [];
  polls = 0;
  private readonly pending = new Map<string, { edit: Edit; record: Linked }>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly f: SyncFixture,
    private readonly records: Linked[],
    private readonly everyMs: number,
  ) {}

  watch(edit: Edit, record: Linked): void {
    if (!edit.failed) this.pending.set(edit.token, { edit, record });
  }

  get waiting(): number {
    return this.pending.size;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const next = Date.now() + this.everyMs;
        await this.poll();
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.poll();
  }

  async poll(): Promise<void> {
    const rows = (await this.f.db.table(TASKS).whereIn('SEQNO', this.records.map((r) => r.seqno)).select('SEQNO', 'DETAILS')) as { SEQNO: number; DETAILS: string | null }[];
    const seenAt = Date.now();
    this.polls += 1;
    const exo = new Map(rows.map((r) => [Number(r.SEQNO), tokensIn(r.DETAILS ?? '')]));
    const numerik = new Map(this.records.map((r) => [r.postId, tokensIn(this.f.sandbox.store.posts.get(r.postId)?.body_text ?? '')]));
    for (const [token, { edit, record }] of this.pending) {
      if (exo.get(record.seqno)?.has(token) && numerik.get(record.postId)?.has(token)) {
        this.times.push(Math.max(0, seenAt - edit.doneAt));
        this.pending.delete(token);
      }
    }
  }
}

type Counts = { outbound: OutboundStats; inbound: InboundStats };

function sumStats<T extends object>(stats: T[]): T {
  const total = {} as Record<string, number>;
  for (const s of stats) for (const [k, v] of Object.entries(s)) total[k] = (total[k] ?? 0) + (v as number);
  return total as T;
}

function minus<T extends object>(after: T, before: T): T {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, (v as number) - ((before as Record<string, number>)[k] ?? 0)])) as T;
}

/** Converges that finished (whatever they decided), by direction. */
function convergesOf(c: Counts): { outbound: number; inbound: number } {
  const o = c.outbound;
  const i = c.inbound;
  return { outbound: o.created + o.updated + o.merged + o.unchanged + o.skipped, inbound: i.inserted + i.updated + i.inSync + i.deleted + i.skipped };
}

/** Edits whose token is not in both its activity's DETAILS and its post's text at rest. */
function lostEdits(history: readonly Edit[], final: FinalState, records: readonly Linked[]): { edit: Edit; inExo: boolean; inNumerik: boolean }[] {
  const bySeqno = new Map(records.map((r) => [r.seqno, r]));
  const byPost = new Map(records.map((r) => [r.postId, r]));
  const exo = new Map(final.activities.map((a) => [a.seqno, tokensIn(a.details)]));
  const numerik = new Map(final.posts.map((p) => [p.id, tokensIn(p.bodyText)]));
  return history.flatMap((edit) => {
    if (edit.failed) return [];
    const record = edit.target.side === 'exo' ? bySeqno.get(edit.target.seqno) : byPost.get(edit.target.postId);
    const inExo = !!record && !!exo.get(record.seqno)?.has(edit.token);
    const inNumerik = !!record && !!numerik.get(record.postId)?.has(edit.token);
    return inExo && inNumerik ? [] : [{ edit, inExo, inNumerik }];
  });
}

/** The conflict cards whose recorded sides hold `token`. */
function keptBy(final: FinalState, token: string): number[] {
  return final.conflicts.filter((c) => tokensIn(`${JSON.stringify(c.exo)}\n${JSON.stringify(c.numerik)}`).has(token)).map((c) => c.id);
}

/** Exo UPDATEs at the Exo users' share of the rate, on random activities, for `ms`; their timings. */
async function exoOnly(b: Bench, rng: Prng, seqnos: readonly number[], perSecond: number, ms: number): Promise<UpdateTiming[]> {
  const timings: UpdateTiming[] = [];
  const inFlight: Promise<unknown>[] = [];
  const started = Date.now();
  for (let i = 0; Date.now() - started < ms; i += 1) {
    await sleep(Math.max(0, started + (i * 1000) / perSecond - Date.now()));
    const [seqno, words] = [seqnos[rng.int(0, seqnos.length - 1)]!, rng.int(0, 1e6)];
    inFlight.push(exoAppend(b, seqno, lineWith('baseline', words), b.f.staff.ann).then((t) => timings.push(t)));
  }
  await Promise.all(inFlight);
  return timings;
}

/** The flags that replay this run's schedule (the interleaving with the workers is the machine's). */
function replayFlags(o: ContentionOptions): string {
  return `--seconds ${o.seconds} --rate ${o.rate} --activities ${o.activities} --latency ${o.latencyMs} --poll ${o.pollSeconds} --baseline-seconds ${o.baselineSeconds} --seed ${o.seed}`;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const ms1 = (n: number) => `${n.toFixed(1)} ms`;
const ms2 = (n: number) => `${n.toFixed(2)} ms`;
const p = (values: number[], q: number) => (values.length ? percentile(values, q) : NaN);

/** `npm run bench -- contention`: both sides editing the same activities at once, on the PostgreSQL server. */
export async function benchContention(): Promise<void> {
  const o = contentionOptions();
  const url = process.env.EXO_BENCH_PG_URL ?? process.env.EXO_TEST_PG_URL ?? DEFAULT_BENCH_PG_URL;
  const engine = await openEngine({ client: 'postgres', url, schema: 'public' });
  const root = prng(o.seed);
  const schedule = root.fork('schedule');
  console.log(
    `contention on PostgreSQL: ${o.activities} linked activities edited on both sides, ${o.rate} edits/s (Exo and Numerik in turn) for ${o.seconds} s; ` +
      `two outbound and two inbound workers in this process, Numerik ${o.latencyMs} ms away, poll ${o.pollSeconds} s; seed ${o.seed}`,
  );
  try {
    const f = await syncFixture({ fresh: () => engine.schema() }, { defaultStaff: 'ANN', defaultActivityType: 'Meeting', pollSeconds: o.pollSeconds });
    const workerLog = new WorkerLog();
    const workers = inProcessWorkers(f, workerLog, 10_000);
    // Numerik's webhooks stored in the inbox as the receiver stores them, in order, once each.
    const feed = new WebhookFeed(f.db, f.sandbox.store, root.fork('webhooks'), () => workers.poke(), { duplicate: 0, maxDelayMs: 0, late: 0, lateMs: 0 });
    let counter = 0;
    const b: Bench = { f, o, history: [], next: () => (counter += 1) };
    try {
      f.sandbox.faults.set({ latencyMs: o.latencyMs });
      // 1. The activities, made in Exo: a first line (the subject), then two lines both sides leave alone,
      //    between Numerik's inserts (after the first line) and Exo's appends (at the end).
      const seqnos: number[] = [];
      for (let i = 1; i <= o.activities; i += 1) {
        const token = `c${b.next()}`;
        const [w1, w2] = [schedule.int(0, 1e6), schedule.int(0, 1e6)];
        const subject = `Contention ${i} ${token}`;
        const startedAt = Date.now();
        const seqno = await f.seed.task({ subject, details: `${subject}\n${lineWith('and', w1)}\n${lineWith('then', w2)}`, companyId: 'D101', assignedTo: f.staff.ann, createdBy: f.staff.ann, type: f.types.call });
        b.history.push({ token, side: 'exo', kind: 'create', target: { side: 'exo', seqno }, startedAt, commitAt: startedAt, doneAt: Date.now() });
        seqnos.push(seqno);
      }
      // 2. Exo's UPDATE with the sync stopped (not started yet), the first half of the baseline (lines
      //    without a token: they go to Numerik with the creates, and are not counted as edits).
      const baselineBefore = await exoOnly(b, schedule, seqnos, o.rate / 2, (o.baselineSeconds * 1000) / 2);
      // 3. Linked: the workers send the creates.
      const linkStarted = Date.now();
      workers.start();
      await quiesce(f, () => feed.pending, { timeoutMs: o.quiesceMs, quietMs: 1_000 });
      const linkRows = (await f.db.table(OBJECTS.postLink).where({ STATE: 'active' }).select('ACTIVITY_SEQNO', 'POST_ID')) as { ACTIVITY_SEQNO: number; POST_ID: string }[];
      const records: Linked[] = linkRows.map((l) => ({ seqno: Number(l.ACTIVITY_SEQNO), postId: String(l.POST_ID) })).sort((x, y) => x.seqno - y.seqno);
      if (records.length !== o.activities) throw new Error(`${records.length} of ${o.activities} activities linked after the first drain`);
      console.log(`  ${o.activities} activities linked in ${((Date.now() - linkStarted) / 1000).toFixed(1)} s`);
      const counts = (): Counts => ({ outbound: sumStats(workers.outbound.map((w) => ({ ...w.stats }))), inbound: sumStats(workers.inbound.map((w) => ({ ...w.stats }))) });
      const before = counts();
      const warnedBefore = { ...workerLog.counts };

      // 4. The run: an edit every 1/rate s, Exo and Numerik in turn, each on a random activity;
      //    an Exo UPDATE is not waited for before the next edit is due.
      const watch = new ConvergenceWatch(f, records, 100);
      watch.start();
      const timings: UpdateTiming[] = [];
      const total = Math.round(o.rate * o.seconds);
      const inFlight = new Set<Promise<void>>();
      const started = Date.now();
      let lateMs = 0;
      for (let i = 0; i < total; i += 1) {
        const due = started + (i * 1000) / o.rate;
        await sleep(Math.max(0, due - Date.now()));
        lateMs = Math.max(lateMs, Date.now() - due);
        const [record, words, who] = [records[schedule.int(0, records.length - 1)]!, schedule.int(0, 1e6), schedule.chance(0.5)];
        if (i % 2 === 0) {
          const edit = exoEdit(b, record.seqno, words, who ? f.staff.ann : f.staff.raj, timings).then((e) => watch.watch(e, record));
          inFlight.add(edit);
          void edit.finally(() => inFlight.delete(edit));
        } else {
          watch.watch(numerikEdit(b, record.postId, words, who ? f.users.ann : f.users.raj), record);
        }
      }
      await Promise.all(inFlight);
      const editSeconds = (Date.now() - started) / 1000;
      const drainStarted = Date.now();
      await quiesce(f, () => feed.pending, { timeoutMs: o.quiesceMs, quietMs: 1_000 });
      const drainSeconds = (Date.now() - drainStarted) / 1000;
      await watch.stop();
      await workers.stop();
      const after = counts();
      const done: Counts = { outbound: minus(after.outbound, before.outbound), inbound: minus(after.inbound, before.inbound) };
      const warnings = { warn: workerLog.counts.warn - warnedBefore.warn, error: workerLog.counts.error - warnedBefore.error };

      // 5. At rest: what each side holds, the checker over the history.
      const final = await readFinalState(f);
      const violations = checkHistory(b.history, final);
      const lost = lostEdits(b.history, final, records);
      const runEdits = b.history.filter((e) => e.kind === 'insert' && e.startedAt >= started);
      const made = { exo: runEdits.filter((e) => e.side === 'exo').length, numerik: runEdits.filter((e) => e.side === 'numerik').length };
      const failed = runEdits.filter((e) => e.failed);

      // 6. The second half of the baseline: the same UPDATEs, the workers stopped.
      const baselineAfter = await exoOnly(b, schedule, seqnos, o.rate / 2, (o.baselineSeconds * 1000) / 2);
      const baseline = [...baselineBefore, ...baselineAfter];

      // The figures.
      console.log(
        `  edits made: ${made.exo + made.numerik} (${made.exo} Exo UPDATEs, ${made.numerik} Numerik edits) in ${editSeconds.toFixed(1)} s = ${((made.exo + made.numerik) / editSeconds).toFixed(1)}/s ` +
          `(schedule at most ${ms(lateMs)} late)${failed.length ? `; ${failed.length} failed: ${failed.slice(0, 3).map((e) => e.failed).join(' | ')}` : ''}`,
      );
      console.log(`  edits lost (token not on both sides at rest): ${lost.length} (target 0${lost.length ? `; ${lost.filter((l) => keptBy(final, l.edit.token).length).length} of them kept by a conflict card` : ''}); conflicts recorded: ${final.conflicts.length}; checker: ${violations.length} violation(s)`);
      const t = watch.times;
      console.log(
        `  convergence (edit → its token on both sides, polled every 100 ms, ${watch.polls} polls): p50 ${ms(median(t))}, p95 ${ms(p(t, 95))}, max ${ms(Math.max(...t))} over ${t.length} edits` +
          `${watch.waiting ? `; ${watch.waiting} never seen on both sides` : ''}; drain after the last edit ${drainSeconds.toFixed(1)} s`,
      );
      const converges = convergesOf(done);
      const restarts = done.outbound.restarts + done.inbound.restarts;
      const all = converges.outbound + converges.inbound;
      console.log(
        `  converges: outbound ${converges.outbound} (${done.outbound.updated} updated, ${done.outbound.merged} merged, ${done.outbound.unchanged} unchanged; ${done.outbound.restarts} restarts, ${done.outbound.busy} busy), ` +
          `inbound ${converges.inbound} (${done.inbound.updated} updated, ${done.inbound.inSync} in sync; ${done.inbound.restarts} restarts, ${done.inbound.busy} busy); ` +
          `restarts per converge ${(restarts / Math.max(1, all)).toFixed(3)} (${restarts} / ${all}); busy ${done.outbound.busy + done.inbound.busy}; ` +
          `retried ${done.outbound.retried + done.inbound.retried}, parked ${done.outbound.parked + done.inbound.parked}, dead ${done.outbound.dead + done.inbound.dead}`,
      );
      const server = timings.map((x) => x.serverMs);
      const client = timings.map((x) => x.clientMs);
      const serverStopped = baseline.map((x) => x.serverMs);
      const clientStopped = baseline.map((x) => x.clientMs);
      console.log(
        `  Exo UPDATE (append a line), as the server timed it (received → row written, lock waits included): p95 ${ms2(p(server, 95))} with the sync running, ` +
          `${ms2(p(serverStopped, 95))} with it stopped (ratio ${(p(server, 95) / p(serverStopped, 95)).toFixed(2)}×; p50 ${ms2(median(server))} vs ${ms2(median(serverStopped))}, max ${ms1(Math.max(...server))} vs ${ms1(Math.max(...serverStopped))})`,
      );
      console.log(
        `  Exo UPDATE round trip from this process (commit and triggers, and this process's event loop, which the workers share, included): p95 ${ms1(p(client, 95))} running, ` +
          `${ms1(p(clientStopped, 95))} stopped (ratio ${(p(client, 95) / p(clientStopped, 95)).toFixed(2)}×); stopped = ${baseline.length} UPDATEs, half before the workers first started, half after the run ` +
          `(p95 ${ms2(p(baselineBefore.map((x) => x.serverMs), 95))} and ${ms2(p(baselineAfter.map((x) => x.serverMs), 95))} server-timed)`,
      );
      if (warnings.warn || warnings.error) {
        console.log(`  during the run the workers said ${warnings.warn} warning(s), ${warnings.error} error(s); last: ${workerLog.last.slice(-3).join(' || ')}`);
      }
      if (lost.length || violations.length) {
        for (const l of lost.slice(0, 40)) {
          const e = l.edit;
          const record = e.target.side === 'exo' ? records.find((r) => r.seqno === (e.target as { seqno: number }).seqno) : records.find((r) => r.postId === (e.target as { postId: string }).postId);
          console.log(
            `  LOST ${e.side} ${e.kind} ${e.token} on activity ${record?.seqno} ⇄ post ${record?.postId} at +${((e.startedAt - started) / 1000).toFixed(3)} s: ` +
              `${l.inExo ? 'in Exo' : 'not in Exo'}, ${l.inNumerik ? 'in Numerik' : 'not in Numerik'}` +
              `${keptBy(final, e.token).length ? `; kept by conflict card ${keptBy(final, e.token).join(', ')}` : '; in no conflict card'}`,
          );
        }
        if (lost.length > 40) console.log(`  … and ${lost.length - 40} more lost`);
        for (const v of violations.slice(0, 40)) console.log(`  ${v.kind}: ${v.message}`);
        if (violations.length > 40) console.log(`  … and ${violations.length - 40} more violations`);
        const dir = path.join(tmpdir(), 'exo-numerik-contention');
        mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `contention-${o.seed}-${Date.now()}.json`);
        writeFileSync(file, JSON.stringify({ options: o, records, history: b.history, final, violations, lost, trail: await readTrail(f.db) }, null, 2));
        console.log(`  history, final state, violations and the sync's log written to ${file}; replay the schedule: npm run bench -- contention ${replayFlags(o)}`);
        process.exitCode = 1;
      }
    } finally {
      feed.close();
      await workers.stop().catch(() => undefined);
      await f.close();
    }
  } finally {
    await engine.close();
  }
}
