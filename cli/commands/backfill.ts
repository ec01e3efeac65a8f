import { counted } from '../plural.js';
import { InvalidArgumentError, type Command } from 'commander';
import type { Db } from '../../db/connect.js';
import type { ChangeRange } from '../../db/exo/history.js';
import type { BackfillProgress } from '../../sync/backfill/backfill.js';
import type { CliContext, LoadContext } from '../context.js';
import { runningService } from '../running-service.js';
import { parseSiteTime } from '../site-time.js';

/** A bar on a terminal; elsewhere (a log file, CI), a line at every tenth. */
async function progressReporter(): Promise<{ update(p: BackfillProgress): void; stop(): void }> {
  if (process.stderr.isTTY) {
    const [{ SingleBar, Presets }, { backfillBarLine }] = await Promise.all([import('cli-progress'), import('../backfill-bar.js')]);
    const bar = new SingleBar({ format: backfillBarLine, stream: process.stderr }, Presets.shades_classic);
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(p.total, p.sent);
        started = true;
        bar.update(p.sent);
      },
      stop: () => bar.stop(),
    };
  }
  let shown = -1;
  return {
    update(p) {
      const tenth = p.total ? Math.floor((p.sent / p.total) * 10) : 10;
      if (tenth > shown) console.error(`backfill: ${p.sent}/${counted(p.total, 'activity', 'activities')}`);
      shown = Math.max(shown, tenth);
    },
    stop: () => undefined,
  };
}

async function backfill(c: CliContext, db: Db, range: ChangeRange, opts: { dryRun?: boolean; rate?: number; worker: boolean; chunk: number }): Promise<void> {
  const [{ planBackfill, runBackfill }, { OutboundWorker }, { refreshReferenceData }, { MAX_WAIT_MS }] = await Promise.all([
    import('../../sync/backfill/backfill.js'),
    import('../../sync/outbound/worker.js'),
    import('../../sync/reference/refresh.js'),
    import('../../sync/numerik/waits.js'),
  ]);
  const plan = await planBackfill(db, range);
  const resume = plan.resumeAfter === null ? '' : ` (resuming after activity ${plan.resumeAfter}; ${plan.enqueued} queued before)`;
  if (opts.dryRun) return void console.log(`would send ${counted(plan.remaining, 'activity', 'activities')} changed since ${range.since.toISOString().slice(0, 16)}${range.until ? ` until ${range.until.toISOString().slice(0, 16)}` : ''}${resume}; nothing queued`);
  console.log(`backfill: ${counted(plan.remaining, 'activity', 'activities')} to send${resume}`);
  const abort = new AbortController();
  // A wait Numerik asks for is said; a longer one than a command takes stops the backfill, resumable.
  let stoppedUntil: Date | undefined;
  const onWait = (text: string) => {
    console.error(`backfill: ${text}`);
    const until = client?.pausedUntil();
    if (until && until.getTime() - Date.now() > MAX_WAIT_MS) {
      stoppedUntil = until;
      abort.abort();
    }
  };
  const client = opts.worker ? await c.numerikClient(onWait) : undefined;
  const options = await c.syncOptions(db);
  const worker = client && new OutboundWorker({ db, client, options, logger: c.logger, ...c.config.worker });
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const progress = await progressReporter();
  try {
    if (client) await refreshReferenceData(db, client, await options(), c.logger);
    worker?.start();
    const result = await runBackfill(db, range, { chunk: opts.chunk, ratePerSecond: opts.rate, signal: abort.signal, onProgress: (p) => progress.update(p) });
    progress.stop();
    if (result.finished) console.log(`backfill done: ${counted(result.enqueued, 'activity', 'activities')} sent (see \`exo-numerik status\` for any parked or dead letters)`);
    else if (stoppedUntil) {
      console.log(`backfill stopped after ${result.enqueued} queued: Numerik asks to wait until ${stoppedUntil.toISOString().slice(11, 19)} UTC; run the same command again after then to carry on`);
      process.exitCode = 1;
    } else {
      console.log(`backfill interrupted after ${result.enqueued} queued: run the same command again to carry on`);
      process.exitCode = 130;
    }
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await worker?.stop();
    await client?.close();
  }
}

export function registerBackfill(program: Command, ctx: LoadContext): void {
  program
    .command('backfill')
    .description('send history to Numerik: activities changed since DATE (enabling the sync sends nothing historical)')
    .requiredOption('--since <date>', "from this date (YYYY-MM-DD, the Exo site's time)", parseSiteTime)
    .option('--until <date>', 'up to (not including) this date', parseSiteTime)
    .option('--dry-run', 'only count what would be sent')
    .option('--rate <n>', 'at most this many activities per second', (v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('a whole number of activities per second');
      return Number(v);
    })
    .option('--chunk <n>', 'activities queued at a time (at most two chunks wait ahead of live changes)', (v) => Number(v), 200)
    .option('--no-worker', 'only queue: a running `exo-numerik serve` sends them')
    .action(async (opts: { since: Date; until?: Date; dryRun?: boolean; rate?: number; chunk: number; worker: boolean }) => {
      const c = await ctx();
      if (opts.until && opts.until <= opts.since) throw new InvalidArgumentError('--until must be after --since');
      if (runningService(c.target())) throw new (await import('../../config/load.js')).ConfigError('the demo owns the embedded database: stop it first, then backfill');
      await c.withDb((db) => backfill(c, db, { since: opts.since, until: opts.until }, opts), () => c.openMigratedDb());
    });
}
