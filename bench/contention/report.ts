import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Edit, FinalState, LogLine, Violation } from '../../test/support/torture/history.js';
import { median, percentile } from '../engines.js';
import type { UpdateTiming } from './actors.js';
import { convergesOf, type Counts } from './counts.js';
import { keptBy, type LostEdit } from './losses.js';
import { replayFlags, type ContentionOptions } from './options.js';
import type { ConvergenceWatch, Linked } from './watch.js';

/** What a run measured, from its schedule to both sides at rest. */
export interface ContentionRun {
  o: ContentionOptions;
  records: Linked[];
  history: Edit[];
  final: FinalState;
  violations: Violation[];
  lost: LostEdit[];
  /** When the first edit was due: the run's edits are the ones started since. */
  started: number;
  editSeconds: number;
  /** How late the schedule fell at the most: a late schedule edits slower than its rate. */
  lateMs: number;
  drainSeconds: number;
  watch: ConvergenceWatch;
  done: Counts;
  /** What the workers said during the run, and the last of it. */
  warnings: { warn: number; error: number; last: string[] };
  timings: UpdateTiming[];
  baselineBefore: UpdateTiming[];
  baselineAfter: UpdateTiming[];
  /** The sync's log, read only for a run that lost an edit or broke a promise. */
  trail(): Promise<LogLine[]>;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const ms1 = (n: number) => `${n.toFixed(1)} ms`;
const ms2 = (n: number) => `${n.toFixed(2)} ms`;
const p = (values: number[], q: number) => (values.length ? percentile(values, q) : NaN);

/** The figures; a run that lost an edit or broke a promise also leaves its history in a file and fails. */
export async function reportContention(run: ContentionRun): Promise<void> {
  const { o, records, history, final, violations, lost, started, editSeconds, lateMs, drainSeconds, watch, done, warnings, timings, baselineBefore, baselineAfter } = run;
  const runEdits = history.filter((e) => e.kind === 'insert' && e.startedAt >= started);
  const made = { exo: runEdits.filter((e) => e.side === 'exo').length, numerik: runEdits.filter((e) => e.side === 'numerik').length };
  const failed = runEdits.filter((e) => e.failed);
  const baseline = [...baselineBefore, ...baselineAfter];

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
    console.log(`  during the run the workers said ${warnings.warn} warning(s), ${warnings.error} error(s); last: ${warnings.last.slice(-3).join(' || ')}`);
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
    writeFileSync(file, JSON.stringify({ options: o, records, history, final, violations, lost, trail: await run.trail() }, null, 2));
    console.log(`  history, final state, violations and the sync's log written to ${file}; replay the schedule: npm run bench -- contention ${replayFlags(o)}`);
    process.exitCode = 1;
  }
}
