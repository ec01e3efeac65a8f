import { setTimeout as sleep } from 'node:timers/promises';
import { TASKS } from '../../db/exo/tasks.js';
import { instantToWallClock } from '../../sync/mapping/time.js';
import type { SyncFixture } from '../../test/support/sync.js';
import { applyOp } from '../../test/support/torture/edits.js';
import type { Edit } from '../../test/support/torture/history.js';
import type { Prng } from '../../test/support/torture/prng.js';
import { lineWith } from '../../test/support/torture/tokens.js';

/** One Exo UPDATE's duration: as the server timed it (statement received → row written, lock waits included) and round trip here. */
export interface UpdateTiming {
  serverMs: number;
  clientMs: number;
}

/** What the actors share: the fixture, and the history their edits are recorded in, each with its own token. */
export interface Bench {
  f: SyncFixture;
  history: Edit[];
  next(): number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

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

/**
 * The activities, made in Exo: a first line (the subject), then two lines both sides leave alone,
 * between Numerik's inserts (after the first line) and Exo's appends (at the end).
 */
export async function exoCreates(b: Bench, rng: Prng, count: number): Promise<number[]> {
  const { f } = b;
  const seqnos: number[] = [];
  for (let i = 1; i <= count; i += 1) {
    const token = `c${b.next()}`;
    const [w1, w2] = [rng.int(0, 1e6), rng.int(0, 1e6)];
    const subject = `Contention ${i} ${token}`;
    const startedAt = Date.now();
    const seqno = await f.seed.task({ subject, details: `${subject}\n${lineWith('and', w1)}\n${lineWith('then', w2)}`, companyId: 'D101', assignedTo: f.staff.ann, createdBy: f.staff.ann, type: f.types.call });
    b.history.push({ token, side: 'exo', kind: 'create', target: { side: 'exo', seqno }, startedAt, commitAt: startedAt, doneAt: Date.now() });
    seqnos.push(seqno);
  }
  return seqnos;
}

/** An Exo edit recorded in the history: a new last line of DETAILS carrying its token. */
export async function exoEdit(b: Bench, seqno: number, words: number, staff: number, timings?: UpdateTiming[]): Promise<Edit> {
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
export function numerikEdit(b: Bench, postId: string, words: number, actor: string): Edit {
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

/** Exo UPDATEs at the Exo users' share of the rate, on random activities, for `ms`; their timings. */
export async function exoOnly(b: Bench, rng: Prng, seqnos: readonly number[], perSecond: number, ms: number): Promise<UpdateTiming[]> {
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
