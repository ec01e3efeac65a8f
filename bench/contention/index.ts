import { setTimeout as sleep } from 'node:timers/promises';
import { OBJECTS } from '../../db/plugin/objects.js';
import { syncFixture } from '../../test/support/sync.js';
import { checkHistory } from '../../test/support/torture/checker.js';
import { readFinalState, readTrail } from '../../test/support/torture/final-state.js';
import { prng } from '../../test/support/torture/prng.js';
import { quiesce } from '../../test/support/torture/quiesce.js';
import { WebhookFeed } from '../../test/support/torture/webhooks.js';
import { inProcessWorkers, WorkerLog } from '../../test/support/torture/workers.js';
import { DEFAULT_BENCH_PG_URL, openEngine } from '../engines.js';
import { exoCreates, exoEdit, exoOnly, numerikEdit, type Bench, type UpdateTiming } from './actors.js';
import { countsOf, countsSince } from './counts.js';
import { lostEdits } from './losses.js';
import { contentionOptions } from './options.js';
import { reportContention } from './report.js';
import { ConvergenceWatch, type Linked } from './watch.js';

/**
 * `npm run bench -- contention [--seconds 60] [--rate 20] [--activities 50] [--latency 20] [--poll 0.2] [--seed S]`: races,
 * not conflicts. Linked activities are edited on both sides at once, an Exo user appending a line
 * to DETAILS (one SQL UPDATE) and a Numerik user inserting a line after the post's first, so a
 * line-by-line three-way merge can always take both; two outbound and two inbound workers (in this
 * process, as the torture run has them) bring them together. Each edit carries a token (the torture
 * run's); at rest the checker reads both sides. Reports edits lost, conflicts, the convergence time
 * of each edit (its token seen on both sides, both polled every 100 ms), restarts per converge, and
 * how long Exo's UPDATEs took against the same UPDATEs with the sync stopped. On the PostgreSQL server.
 */
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
    const b: Bench = { f, history: [], next: () => (counter += 1) };
    try {
      f.sandbox.faults.set({ latencyMs: o.latencyMs });
      // 1. The activities, made in Exo.
      const seqnos = await exoCreates(b, schedule, o.activities);
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
      const before = countsOf(workers);
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
      const done = countsSince(countsOf(workers), before);
      const warnings = { warn: workerLog.counts.warn - warnedBefore.warn, error: workerLog.counts.error - warnedBefore.error, last: workerLog.last };

      // 5. At rest: what each side holds, the checker over the history.
      const final = await readFinalState(f);
      const violations = checkHistory(b.history, final);
      const lost = lostEdits(b.history, final, records);

      // 6. The second half of the baseline: the same UPDATEs, the workers stopped.
      const baselineAfter = await exoOnly(b, schedule, seqnos, o.rate / 2, (o.baselineSeconds * 1000) / 2);

      await reportContention({
        o,
        records,
        history: b.history,
        final,
        violations,
        lost,
        started,
        editSeconds,
        lateMs,
        drainSeconds,
        watch,
        done,
        warnings,
        timings,
        baselineBefore,
        baselineAfter,
        trail: () => readTrail(f.db),
      });
    } finally {
      feed.close();
      await workers.stop().catch(() => undefined);
      await f.close();
    }
  } finally {
    await engine.close();
  }
}
