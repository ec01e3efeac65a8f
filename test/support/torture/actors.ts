import type { Knex } from 'knex';
import { asSyncWriter } from '../../../db/exo/write-activity.js';
import { TASKS } from '../../../db/exo/tasks.js';
import { instantKey } from '../../../sync/mapping/content.js';
import { instantToWallClock, wallClockToInstant } from '../../../sync/mapping/time.js';
import type { PostInput } from '../../../sync/numerik/types.js';
import type { SyncFixture } from '../sync.js';
import { exoDetailsAfter, splitExoDetails, applyOp, type TextOp } from './edits.js';
import type { Edit } from './history.js';
import type { Prng } from './prng.js';
import { lineWith } from './tokens.js';

/**
 * The actors of a torture run: Exo users saving activities through SQL (some in a transaction held
 * open, some with CRLF line breaks), and Numerik users editing posts in the sandbox's store as
 * themselves. Each action draws all its random numbers before its first await, so the seed alone
 * decides what is done (when it lands against the sync's work is the run's business).
 */
export interface World {
  f: SyncFixture;
  zone: string;
  history: Edit[];
  /** The next number of the run's one token counter (tokens never repeat across sides). */
  next(): number;
  /** The longest an Exo transaction is held open (short on PGlite: its one connection is everyone's). */
  holdMaxMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);
const tasks = (w: World) => `${w.f.db.target.schema}.${TASKS}`;

/** The activities an Exo user could open, by key; `r` in [0, 1) picks one. */
async function pickActivity(w: World, r: number): Promise<number | undefined> {
  const rows = (await w.f.db.table(TASKS).select('SEQNO').orderBy('SEQNO')) as { SEQNO: number }[];
  return rows.length ? rows[Math.floor(r * rows.length)]!.SEQNO : undefined;
}

/** The posts a Numerik user could open (not deleted), in the order they were made. */
function pickPost(w: World, r: number): string | undefined {
  const ids = [...w.f.sandbox.store.posts.values()].filter((p) => !p.deleted_at).map((p) => p.id);
  return ids.length ? ids[Math.floor(r * ids.length)] : undefined;
}

/** A due time unique to edit `n`, as Exo's wall clock and as Numerik's instant. */
function dueOf(n: number, zone: string): { wallClock: Date; instant: string } {
  const wallClock = new Date(Date.UTC(2027, 0, 1 + (Math.floor(n / 600) % 28), 8 + (Math.floor(n / 60) % 10), n % 60));
  return { wallClock, instant: instantKey(wallClockToInstant(wallClock, zone))! };
}

/**
 * Runs `write` as an Exo user's transaction, held open for `hold` ms before or after it, and
 * records when its commit was asked for and when it returned.
 */
async function exoTransaction(w: World, edit: Edit, hold: { ms: number; before: boolean }, write: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
  w.history.push(edit);
  try {
    await w.f.db.knex.transaction(async (trx) => {
      if (hold.ms && hold.before) await sleep(hold.ms);
      await write(trx);
      if (hold.ms && !hold.before) await sleep(hold.ms);
      edit.commitAt = Date.now();
    });
  } catch (error) {
    edit.failed = message(error);
  }
  edit.doneAt = Date.now();
  edit.waitMs = Math.max(0, edit.doneAt - edit.startedAt - hold.ms);
}

function holdOf(w: World, rng: Prng): { ms: number; before: boolean } {
  return { ms: rng.chance(0.35) ? rng.int(20, w.holdMaxMs) : 0, before: rng.chance(0.5) };
}

/** An Exo user changes a line of DETAILS (appends their token) or inserts a line; CRLF sometimes. */
export async function exoTextEdit(w: World, rng: Prng): Promise<void> {
  const [pick, where, words, crlf, insert, staff, hold] = [rng.next(), rng.int(0, 1_000), rng.int(0, 1e6), rng.chance(0.3), rng.chance(0.5), rng.pick([w.f.staff.ann, w.f.staff.raj]), holdOf(w, rng)];
  const seqno = await pickActivity(w, pick);
  if (seqno === undefined) return;
  const token = `e${w.next()}`;
  const edit: Edit = { token, side: 'exo', kind: insert ? 'insert' : 'line', target: { side: 'exo', seqno }, startedAt: Date.now(), doneAt: 0, crlf, heldMs: hold.ms };
  await exoTransaction(w, edit, hold, async (trx) => {
    // Read under the row's lock, as a save of what the user has on screen that nobody changed meanwhile.
    const row = (await trx(tasks(w)).where({ SEQNO: seqno }).forUpdate().first('DETAILS')) as { DETAILS: string | null } | undefined;
    if (!row) throw new Error(`activity ${seqno} is gone`);
    const details = row.DETAILS ?? '';
    const lines = splitExoDetails(details).body.split('\n').length;
    const op: TextOp = insert ? { kind: 'insert', at: where % (lines + 1), line: lineWith(token, words) } : { kind: 'line', at: where % lines, token };
    await trx(tasks(w))
      .where({ SEQNO: seqno })
      .update({ DETAILS: exoDetailsAfter(details, op, crlf), MODIFIEDDATE: instantToWallClock(new Date(), w.zone), MODIFIEDBY: staff });
  });
}

/** An Exo user edits SUBJECT (not sent, by design: the subject follows the post's first line). */
export async function exoSubjectEdit(w: World, rng: Prng): Promise<void> {
  const [pick, words, hold] = [rng.next(), rng.int(0, 1e6), holdOf(w, rng)];
  const seqno = await pickActivity(w, pick);
  if (seqno === undefined) return;
  const token = `s${w.next()}`;
  const edit: Edit = { token, side: 'exo', kind: 'subject', target: { side: 'exo', seqno }, startedAt: Date.now(), doneAt: 0, heldMs: hold.ms };
  await exoTransaction(w, edit, hold, async (trx) => {
    await trx(tasks(w)).where({ SEQNO: seqno }).update({ SUBJECT: lineWith(token, words), MODIFIEDDATE: instantToWallClock(new Date(), w.zone) });
  });
}

/** An Exo user changes the due time or the assignee. */
export async function exoFieldEdit(w: World, rng: Prng): Promise<void> {
  const [pick, due, hold] = [rng.next(), rng.chance(0.6), holdOf(w, rng)];
  const seqno = await pickActivity(w, pick);
  if (seqno === undefined) return;
  const n = w.next();
  const token = `f${n}`;
  const { staff, users } = w.f;
  const edit: Edit = { token, side: 'exo', kind: 'field', field: due ? 'due_at' : 'assignee_id', target: { side: 'exo', seqno }, startedAt: Date.now(), doneAt: 0, heldMs: hold.ms };
  await exoTransaction(w, edit, hold, async (trx) => {
    const row = (await trx(tasks(w)).where({ SEQNO: seqno }).forUpdate().first('ASSIGNED_TO')) as { ASSIGNED_TO: number | null } | undefined;
    if (!row) throw new Error(`activity ${seqno} is gone`);
    let columns: Record<string, unknown>;
    if (due) {
      const value = dueOf(n, w.zone);
      columns = { END_DATETIME: value.wallClock };
      edit.value = value.instant;
    } else {
      const to = row.ASSIGNED_TO === staff.ann ? staff.raj : staff.ann;
      columns = { ASSIGNED_TO: to };
      edit.value = to === staff.ann ? users.ann : users.raj;
      if (row.ASSIGNED_TO === staff.ann || row.ASSIGNED_TO === staff.raj) edit.before = row.ASSIGNED_TO === staff.ann ? users.ann : users.raj;
    }
    await trx(tasks(w))
      .where({ SEQNO: seqno })
      .update({ ...columns, MODIFIEDDATE: instantToWallClock(new Date(), w.zone) });
  });
}

/** A Numerik user's change: one call of the store, atomic, at one instant. */
function numerikEdit(w: World, edit: Omit<Edit, 'startedAt' | 'doneAt'>, act: (recorded: Edit) => void): void {
  const at = Date.now();
  const recorded: Edit = { ...edit, startedAt: at, doneAt: at };
  w.history.push(recorded);
  try {
    act(recorded);
  } catch (error) {
    recorded.failed = message(error);
  }
}

/** A Numerik user changes a line of the post's text (appends their token) or inserts a line. */
export function numerikTextEdit(w: World, rng: Prng): void {
  const [pick, where, words, insert, actor] = [rng.next(), rng.int(0, 1_000), rng.int(0, 1e6), rng.chance(0.5), rng.pick([w.f.users.ann, w.f.users.raj])];
  const postId = pickPost(w, pick);
  if (!postId) return;
  const token = `n${w.next()}`;
  const store = w.f.sandbox.store;
  numerikEdit(w, { token, side: 'numerik', kind: insert ? 'insert' : 'line', target: { side: 'numerik', postId } }, () => {
    const text = store.getPost(postId).body_text;
    const lines = text.split('\n').length;
    const op: TextOp = insert ? { kind: 'insert', at: where % (lines + 1), line: lineWith(token, words) } : { kind: 'line', at: where % lines, token };
    store.updatePost(postId, { body_text: applyOp(text, op) }, undefined, actor);
  });
}

export function numerikComment(w: World, rng: Prng): void {
  const [pick, words, actor] = [rng.next(), rng.int(0, 1e6), rng.pick([w.f.users.ann, w.f.users.raj])];
  const postId = pickPost(w, pick);
  if (!postId) return;
  const token = `k${w.next()}`;
  numerikEdit(w, { token, side: 'numerik', kind: 'comment', target: { side: 'numerik', postId } }, () => {
    w.f.sandbox.store.addComment(postId, actor, lineWith(token, words));
  });
}

export function numerikFieldEdit(w: World, rng: Prng): void {
  const [pick, due, actor] = [rng.next(), rng.chance(0.6), rng.pick([w.f.users.ann, w.f.users.raj])];
  const postId = pickPost(w, pick);
  if (!postId) return;
  const n = w.next();
  const store = w.f.sandbox.store;
  const { users } = w.f;
  numerikEdit(w, { token: `f${n}`, side: 'numerik', kind: 'field', field: due ? 'due_at' : 'assignee_id', target: { side: 'numerik', postId } }, (edit) => {
    if (due) {
      const value = dueOf(n, w.zone).instant;
      edit.value = value;
      edit.version = store.updatePost(postId, { due_at: value }, undefined, actor).version;
    } else {
      const before = store.getPost(postId).assignee_id;
      const value = before === users.ann ? users.raj : users.ann;
      edit.value = value;
      edit.before = before;
      edit.version = store.updatePost(postId, { assignee_id: value }, undefined, actor).version;
    }
  });
}

/** A new record, made by an Exo user (an activity) or a Numerik user (a post); its first line carries a token. */
export async function createRecord(w: World, rng: Prng, i: number): Promise<void> {
  const [inExo, words, staffPick] = [rng.chance(0.5), rng.int(0, 1e6), rng.chance(0.5)];
  const token = `c${w.next()}`;
  const text = `Torture ${i} ${token}\n${lineWith('and', words)}`;
  const startedAt = Date.now();
  if (inExo) {
    const staff = staffPick ? w.f.staff.ann : w.f.staff.raj;
    const seqno = await w.f.seed.task({ subject: `Torture ${i} ${token}`, details: text, companyId: 'D101', assignedTo: staff, createdBy: staff, type: w.f.types.call });
    w.history.push({ token, side: 'exo', kind: 'create', target: { side: 'exo', seqno }, startedAt, commitAt: startedAt, doneAt: Date.now() });
    return;
  }
  const user = staffPick ? w.f.users.ann : w.f.users.raj;
  const input = { type: 'task', customer_id: w.f.customers.acme, body_text: text, assignee_id: user, tags: ['phone CALL'] } as PostInput;
  const post = w.f.sandbox.store.createPost(input, user).post;
  w.history.push({ token, side: 'numerik', kind: 'create', target: { side: 'numerik', postId: post.id }, startedAt, doneAt: startedAt });
}

/**
 * Sabotage, for the test that shows the checker fails: a DETAILS write behind the sync's back (as
 * the sync writes, so the capture trigger ignores it) that removes the token of the latest Exo
 * edit still in its activity. Returns the token it removed.
 */
export async function sabotage(w: World): Promise<string | undefined> {
  const candidates = [...w.history].reverse().filter((e) => e.side === 'exo' && (e.kind === 'insert' || e.kind === 'line') && !e.failed);
  for (const victim of candidates) {
    if (victim.target.side !== 'exo') continue;
    const seqno = victim.target.seqno;
    const token = new RegExp(`\\s?\\b${victim.token}\\b`);
    const removed = await asSyncWriter(w.f.db, async (trx) => {
      const row = (await trx(tasks(w)).where({ SEQNO: seqno }).forUpdate().first('DETAILS')) as { DETAILS: string | null } | undefined;
      if (!row?.DETAILS || !token.test(row.DETAILS)) return false;
      await trx(tasks(w)).where({ SEQNO: seqno }).update({ DETAILS: row.DETAILS.replace(token, '') });
      return true;
    });
    if (removed) return victim.token;
  }
  return undefined;
}
