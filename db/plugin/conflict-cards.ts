import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../connect.js';
import { writeLog, type LogEntry } from './log.js';
import { OBJECTS } from './objects.js';
import { SYNC_ITSELF, type Resolution } from './resolve-entries.js';

/** What a conflict card holds (X_NUMERIK_LOG.DETAIL of kind conflict). */
interface CardDetail {
  policy?: string;
  winner?: 'exo' | 'numerik';
  fields?: string[];
  exo?: Record<string, unknown>;
  numerik?: Record<string, unknown>;
  losing?: unknown;
  subject?: string | null;
  edits?: unknown;
  /** A person's choice per field; the card stays open until every field has one. */
  choices?: Record<string, unknown>;
}

/** Both cards' versions of each field; of a text, both texts where they differ (nothing of the first is dropped). */
function mergeCards(open: CardDetail, next: CardDetail): CardDetail {
  const fields = [...new Set([...(open.fields ?? []), ...(next.fields ?? [])])];
  const side = (s: 'exo' | 'numerik') =>
    Object.fromEntries(
      fields.map((f) => {
        const [a, b] = [open[s]?.[f], next[s]?.[f]];
        if (b === undefined) return [f, a];
        return [f, typeof a === 'string' && typeof b === 'string' && a !== b && !b.includes(a) ? `${a}\n…\n${b}` : b];
      }),
    );
  // A field in conflict again is open again; a choice already made of another field stands.
  const choices = Object.fromEntries(Object.entries(open.choices ?? {}).filter(([f]) => !next.fields?.includes(f)));
  return { ...next, fields, exo: side('exo'), numerik: side('numerik'), ...(Object.keys(choices).length ? { choices } : {}) };
}

/**
 * The newest card first: by when it was logged, as ids are not in that order across connections
 * (PostgreSQL caches a sequence's values per session).
 */
const NEWEST = [
  { column: 'LOGGED_AT', order: 'desc' },
  { column: 'ID', order: 'desc' },
];

/**
 * Writes log entries. A conflict on an activity whose open card was decided the same way goes
 * onto that card: the same race seen again before anyone looked (a commit that Numerik took and an
 * Exo save overtook, merged once more) is one conflict for a person, with every losing version on it.
 */
export async function writeLogWithCards(db: Db, entries: readonly LogEntry[], trx: Knex.Transaction): Promise<void> {
  const rest: LogEntry[] = [];
  const table = () => trx(`${db.target.schema}.${OBJECTS.log}`);
  for (const e of entries) {
    if (e.kind !== 'conflict' || e.activitySeqno == null) {
      rest.push(e);
      continue;
    }
    const open = (await table().where({ KIND: 'conflict', ACTIVITY_SEQNO: e.activitySeqno }).whereNull('RESOLVED_AT').orderBy(NEWEST).first('ID', 'DETAIL')) as
      | { ID: number | string; DETAIL: string | null }
      | undefined;
    const card = open?.DETAIL ? (JSON.parse(open.DETAIL) as CardDetail) : undefined;
    const next = e.detail as CardDetail;
    if (!open || !card || card.winner !== next.winner) {
      rest.push(e);
      continue;
    }
    // Recorded again now: only a change made after this one supersedes it (refresh-fields.ts).
    await table().where({ ID: open.ID }).update({ REASON: e.reason.slice(0, 400), DETAIL: JSON.stringify(mergeCards(card, next)), LOGGED_AT: new Date() });
  }
  await writeLog(db, rest, trx);
}

/** A card written ahead as a new card: its id, and a digest of what it held then. */
export interface CardRef {
  id: string;
  digest: string;
}

/** A card written ahead of a send (writeCardAhead). */
export interface CardAhead {
  /** The card written: a new one, or the open card of the same race it went onto. */
  id?: string;
  /** Set when the write made a new card. */
  made?: CardRef;
  /** The send is known not to have landed: the card as it was before, unless it changed since. */
  takeBack(): Promise<void>;
}

const digestOf = (detail: string | null) => createHash('sha256').update(detail ?? '').digest('hex');

/**
 * Writes one conflict's card now, in its own transaction, ahead of the send that overwrites its
 * losing side in Numerik (kept only by the card once that send lands).
 */
export async function writeCardAhead(db: Db, entry: LogEntry): Promise<CardAhead> {
  type Card = { ID: number | string; REASON: string; DETAIL: string | null; LOGGED_AT: Date } | undefined;
  const open = (trx: Knex.Transaction): Promise<Card> =>
    trx(`${db.target.schema}.${OBJECTS.log}`).where({ KIND: 'conflict', ACTIVITY_SEQNO: entry.activitySeqno }).whereNull('RESOLVED_AT').orderBy(NEWEST).first('ID', 'REASON', 'DETAIL', 'LOGGED_AT');
  const [before, written] = await db.knex.transaction(async (trx) => {
    const was = await open(trx);
    await writeLogWithCards(db, [entry], trx);
    return [was, await open(trx)];
  });
  const made = written && before?.ID !== written.ID;
  return {
    ...(written ? { id: String(written.ID) } : {}),
    ...(made ? { made: { id: String(written.ID), digest: digestOf(written.DETAIL) } } : {}),
    async takeBack() {
      if (!written) return;
      const unchanged = db.knex(`${db.target.schema}.${OBJECTS.log}`).where({ ID: written.ID, DETAIL: written.DETAIL });
      if (made) await unchanged.delete();
      else await unchanged.update({ REASON: before!.REASON, DETAIL: before!.DETAIL, LOGGED_AT: before!.LOGGED_AT });
    },
  };
}

/**
 * Deletes a card written ahead of a send that can no longer land, if it is as it was written and no
 * person closed it (the sync may have, as superseded: no one needed it either). With `recorded`, only
 * while that activity's link still records the send (X_NUMERIK_POST_LINK.SENDING): in the same
 * statement, so a send that replaced it meanwhile keeps the card.
 */
export async function dropCardAhead(db: Db, card: CardRef, recorded?: { seqno: number; sending: string }): Promise<void> {
  const row = () =>
    db
      .knex(`${db.target.schema}.${OBJECTS.log}`)
      .where({ ID: card.id, KIND: 'conflict' })
      .where((q) => q.whereNull('RESOLVED_AT').orWhere({ RESOLVED_BY: SYNC_ITSELF }));
  const now = (await row().first('DETAIL')) as { DETAIL: string | null } | undefined;
  if (!now || digestOf(now.DETAIL) !== card.digest) return;
  const unchanged = row().where({ DETAIL: now.DETAIL });
  if (recorded) {
    unchanged.whereExists((q) => q.select(db.knex.raw('1')).from(`${db.target.schema}.${OBJECTS.postLink}`).where({ ACTIVITY_SEQNO: recorded.seqno, SENDING: recorded.sending }));
  }
  await unchanged.delete();
}

/**
 * Adds a person's choices to an open card, and closes it (`how` of all its choices) once every field has one. The
 * row is locked first, so that two people choosing different fields of one card at once both land.
 * Returns the fields still open; `closed` when the card was closed meanwhile; `taken` naming a
 * field someone chose meanwhile (nothing recorded).
 */
const closing = (r: Resolution) => ({ RESOLVED_AT: new Date(), RESOLVED_BY: r.by.slice(0, 100), RESOLUTION: r.resolution.slice(0, 400) });

export async function recordChoices(
  db: Db,
  id: number,
  choices: Record<string, unknown>,
  how: (all: Record<string, unknown>) => Resolution,
): Promise<{ open: string[] } | { closed: true } | { taken: string }> {
  return db.knex.transaction(async (trx) => {
    const row = () => trx(`${db.target.schema}.${OBJECTS.log}`).where({ ID: id }).whereNull('RESOLVED_AT');
    if (!(await row().update({ REASON: trx.raw('??', ['REASON']) }))) return { closed: true as const };
    const { DETAIL } = (await row().first('DETAIL')) as { DETAIL: string | null };
    const card = (DETAIL ? JSON.parse(DETAIL) : {}) as CardDetail;
    const stray = Object.keys(choices).find((f) => !card.fields?.includes(f));
    if (stray) throw new Error(`conflict #${id} is not about ${stray}`);
    const taken = Object.keys(choices).find((f) => card.choices?.[f]);
    if (taken) return { taken };
    const all = { ...card.choices, ...choices };
    const open = (card.fields ?? []).filter((f) => !all[f]);
    await row().update({
      DETAIL: JSON.stringify({ ...card, choices: all }),
      ...(open.length ? {} : closing(how(all))),
    });
    return { open };
  });
}
