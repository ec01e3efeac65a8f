import { seedSettings } from '../../../sync/settings.js';
import { workerEnv } from '../processes.js';
import { syncFixture } from '../sync.js';
import type { TestEngine, TestTarget } from '../targets.js';
import { createRecord, exoFieldEdit, exoSubjectEdit, exoTextEdit, numerikComment, numerikFieldEdit, numerikTextEdit, sabotage, type World } from './actors.js';
import { recordAgreements, readAgreements } from './agreements.js';
import { buggify } from './buggify.js';
import { checkHistory } from './checker.js';
import { readFinalState, readTrail } from './final-state.js';
import type { Agreement, Edit, FinalState, LogLine, Violation } from './history.js';
import { prng, type Prng } from './prng.js';
import { quiesce } from './quiesce.js';
import { WebhookFeed } from './webhooks.js';
import { ChildWorkers, inProcessWorkers, WorkerLog } from './workers.js';

export interface TortureOptions {
  seed: number;
  /** How long the actors edit. */
  editMs: number;
  /** Records made as the run starts (half in Exo, half in Numerik, at random). */
  records: number;
  /** The bound on the drain after the edits; past it the run fails with what was left. */
  quiesceMs: number;
  /** Actions in flight at once at most. */
  parallel?: number;
  /** A database server's target: child worker processes, killed with -9 at random (none on PGlite). */
  target?: Pick<TestTarget, 'env'>;
  /** Weights of the actors' actions (default ACTIONS); 0 leaves an action out. */
  weights?: Partial<Record<Action, number>>;
  /** Chaos of the webhooks, the failpoints and Numerik's latency (default on). */
  calm?: boolean;
  /** Also runs an actor that overwrites DETAILS behind the sync's back (the checker must catch it). */
  sabotage?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface TortureResult {
  seed: number;
  history: Edit[];
  final: FinalState;
  violations: Violation[];
  /** The token the saboteur removed, if it ran. */
  sabotaged?: string;
  /** X_NUMERIK_LOG as the sync wrote it, when there are violations (to read beside the history). */
  trail?: LogLine[];
  /** The agreements the sync recorded (agreements.ts), when there are violations. */
  agreements?: Agreement[];
  stats: Record<string, number | string>;
}

export type Action = 'exoText' | 'exoSubject' | 'exoField' | 'numerikText' | 'numerikComment' | 'numerikField' | 'kill' | 'slowNumerik';

const ACTIONS: Record<Action, number> = { exoText: 30, exoSubject: 4, exoField: 8, numerikText: 30, numerikComment: 8, numerikField: 8, kill: 3, slowNumerik: 2 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One history: a fresh site (an Exo-shaped database, migrated; the sandbox), two workers per
 * direction in this process (and on a server, `worker` child processes killed with -9), random
 * actors for `editMs`, then a bounded drain, and the checker over what was done and what is left.
 */
export async function tortureRun(engine: TestEngine, o: TortureOptions): Promise<TortureResult> {
  const log = o.log ?? (() => undefined);
  const root = prng(o.seed);
  const schedule = root.fork('schedule');
  const f = await syncFixture(engine, { defaultStaff: 'ANN', defaultActivityType: 'Meeting' });
  await recordAgreements(f.db);
  // Child workers read the options from X_NUMERIK_SETTINGS: the same ones as this process's workers.
  await seedSettings(f.db, f.options);
  const workerLog = new WorkerLog();
  const workers = inProcessWorkers(f, workerLog, 3_000);
  const chaos = o.calm ? { duplicate: 0, maxDelayMs: 0, late: 0, lateMs: 0 } : { duplicate: 0.25, maxDelayMs: 150, late: 0.05, lateMs: 1_200 };
  const feed = new WebhookFeed(f.db, f.sandbox.store, root.fork('webhooks'), () => workers.poke(), chaos);
  const children = o.target?.env ? new ChildWorkers(workerEnv(f, o.target), root.fork('children')) : undefined;
  const bug = buggify(root.fork('buggify'), { armed: o.calm ? 0 : 0.5, maxSleepMs: 200 });
  let counter = 0;
  const world: World = { f, zone: f.options.timeZone!, history: [], next: () => (counter += 1), holdMaxMs: f.db.target.client === 'pglite' ? 250 : 800 };
  const stats: Record<string, number | string> = { failpoints: bug.points.join(',') || 'none' };
  let sabotaged: string | undefined;
  try {
    const latencyMs = schedule.int(0, 30);
    if (!o.calm) f.sandbox.faults.set({ latencyMs });
    workers.start();
    children?.start();
    for (let i = 0; i < o.records; i += 1) await createRecord(world, schedule, i + 1);
    sabotaged = await act(world, schedule, o, children, log);
    log(`seed ${o.seed}: ${world.history.length} edits made; draining`);
    bug.disarm();
    f.sandbox.faults.clear();
    await children?.stopAll(15_000);
    await quiesce(f, () => feed.pending, { timeoutMs: o.quiesceMs, quietMs: 600 });
    await workers.stop();
    const final = await readFinalState(f);
    const agreements = await readAgreements(f.db);
    const violations = checkHistory(world.history, final, agreements);
    const trail = violations.length ? await readTrail(f.db) : undefined;
    Object.assign(stats, {
      edits: world.history.length,
      records: final.activities.length,
      conflicts: final.conflicts.length,
      webhooks: feed.delivered,
      duplicateWebhooks: feed.duplicates,
      kills: children?.kills ?? 0,
      childStarts: children?.starts ?? 0,
      workerWarnings: workerLog.counts.warn,
      workerErrors: workerLog.counts.error,
      ...exoWaits(world.history),
    });
    if (children?.exits.length) stats.childExits = children.exits.join(' || ');
    if (workerLog.last.length) stats.lastWorkerLines = workerLog.last.slice(-5).join(' || ');
    return { seed: o.seed, history: world.history, final, violations, sabotaged, trail, agreements: violations.length ? agreements : undefined, stats };
  } finally {
    bug.disarm();
    children?.killAll();
    feed.close();
    await workers.stop().catch(() => undefined);
    await f.close();
  }
}

/** How long Exo users waited for their saves: the 95th percentile and the longest, in ms. */
function exoWaits(history: readonly Edit[]): { exoWaitP95: number; exoWaitMax: number } {
  const waits = history.flatMap((e) => (e.waitMs === undefined ? [] : [e.waitMs])).sort((a, b) => a - b);
  return { exoWaitP95: waits[Math.floor(waits.length * 0.95)] ?? 0, exoWaitMax: waits[waits.length - 1] ?? 0 };
}

/** The actors' phase: an action every few milliseconds, at most `parallel` in flight. */
async function act(w: World, rng: Prng, o: TortureOptions, children: ChildWorkers | undefined, log: (line: string) => void): Promise<string | undefined> {
  const until = Date.now() + o.editMs;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    const tracked = p.catch((error: unknown) => log(`an actor failed: ${error instanceof Error ? error.message : String(error)}`)).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  while (Date.now() < until) {
    await sleep(rng.int(2, 30));
    const action = rng.weighted({ ...ACTIONS, ...o.weights });
    if (inFlight.size >= (o.parallel ?? 4)) await Promise.race(inFlight);
    track(perform(action, w, rng, children));
  }
  await Promise.all(inFlight);
  // Last, so no later edit can carry the removed line back by chance: the checker must see it.
  return o.sabotage ? sabotage(w) : undefined;
}

async function perform(action: Action, w: World, rng: Prng, children: ChildWorkers | undefined): Promise<void> {
  switch (action) {
    case 'exoText':
      return exoTextEdit(w, rng);
    case 'exoSubject':
      return exoSubjectEdit(w, rng);
    case 'exoField':
      return exoFieldEdit(w, rng);
    case 'numerikText':
      return numerikTextEdit(w, rng);
    case 'numerikComment':
      return numerikComment(w, rng);
    case 'numerikField':
      return numerikFieldEdit(w, rng);
    case 'kill': {
      // kill -9 of a worker process, and a new one a little later (servers only).
      const [r, after] = [rng.next(), rng.int(100, 1_500)];
      if (children?.killOne(r)) await sleep(after).then(() => void children.start());
      return;
    }
    case 'slowNumerik': {
      // Numerik answering slowly for a while: the window in which an Exo save lands during a fetch.
      const [ms, forMs] = [rng.int(200, 1_500), rng.int(300, 2_000)];
      w.f.sandbox.faults.set({ latencyMs: ms });
      await sleep(forMs);
      w.f.sandbox.faults.set({ latencyMs: 0 });
      return;
    }
  }
}
