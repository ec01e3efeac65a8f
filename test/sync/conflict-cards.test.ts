import fc from 'fast-check';
import { expect, it } from 'vitest';
import { dropCardAhead, recordChoices, writeCardAhead, writeLogWithCards } from '../../db/plugin/conflict-cards.js';
import { insertPostLink } from '../../db/plugin/links/posts.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import type { LogEntry } from '../../db/plugin/log.js';
import { Migrator } from '../../migrations/runner.js';
import { exoDb } from '../support/exo.js';
import { logEntries } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

const card = (winner: 'exo' | 'numerik', exo: string, numerik: string): LogEntry => ({
  direction: 'inbound',
  kind: 'conflict',
  activitySeqno: 7,
  postId: 'pst_1',
  reason: `conflict on body_text: ${winner} won`,
  detail: { policy: 'newest-wins', winner, fields: ['body_text'], exo: { body_text: exo }, numerik: { body_text: numerik } },
});

forEachTarget('conflict cards', (engine) => {
  it('the same race seen again before anyone looked is one card, with every losing version on it; another decision is its own card', async () => {
    const db = await exoDb(engine);
    await new Migrator(db).up();
    await db.knex.transaction((trx) => writeLogWithCards(db, [card('numerik', 'line e1', 'line n1')], trx));
    await db.knex.transaction((trx) => writeLogWithCards(db, [card('numerik', 'line e1 e2', 'line n1')], trx));
    await db.knex.transaction((trx) => writeLogWithCards(db, [card('numerik', 'line e3', 'line n3')], trx));
    let cards = await logEntries(db, 'conflict');
    expect(cards).toHaveLength(1);
    expect(JSON.parse(cards[0]!.DETAIL!).exo.body_text).toBe('line e1 e2\n…\nline e3');
    await db.knex.transaction((trx) => writeLogWithCards(db, [card('exo', 'line e4', 'line n4')], trx));
    cards = await logEntries(db, 'conflict');
    expect(cards).toHaveLength(2);
    // Once resolved, a card takes nothing more: a later conflict is a new card.
    await db.table('X_NUMERIK_LOG').update({ RESOLVED_AT: new Date() });
    await db.knex.transaction((trx) => writeLogWithCards(db, [card('numerik', 'line e5', 'line n5')], trx));
    expect(await logEntries(db, 'conflict')).toHaveLength(3);
  });

  // Torture seed 92108 (PostgreSQL): a worker process's cached sequence gave an older card a higher
  // id; taken for the newest, it made the same race's second decision a second card.
  it('the same race goes onto the newest open card by when it was logged, whatever the ids', async () => {
    const db = await exoDb(engine);
    await new Migrator(db).up();
    await db.knex.transaction((trx) => writeLogWithCards(db, [card('numerik', 'line e1', 'line n1')], trx));
    await db.table('X_NUMERIK_LOG').update({ ID: 1000, LOGGED_AT: new Date(Date.now() - 60_000) });
    await db.knex.transaction((trx) => writeLogWithCards(db, [card('exo', 'line e2', 'line n2')], trx));
    await db.knex.transaction((trx) => writeLogWithCards(db, [card('exo', 'line e3', 'line n3')], trx));
    const cards = await logEntries(db, 'conflict');
    expect(cards.map((c) => JSON.parse(c.DETAIL!).winner)).toEqual(['exo', 'numerik']);
    expect(JSON.parse(cards[0]!.DETAIL!).numerik.body_text).toBe('line n2\n…\nline n3');
  });

  it("the card of a send whose worker died is dropped only while the link still records that send: one that replaced it may have landed", async () => {
    const db = await exoDb(engine);
    await new Migrator(db).up();
    const unset = { exoHash: null, exoContent: null, exoAssignedTo: null, numerikHash: null, numerikContent: null, postUrl: null };
    await insertPostLink(db, { activitySeqno: 7, postId: 'pst_1', postType: 'task', origin: 'exo', state: 'active', numerikVersion: 4, postRef: '', ...unset });
    const dead = JSON.stringify({ version: 4, sent: {}, mark: 'exo-task:7:dead' });
    await db.table(OBJECTS.postLink).update({ SENDING: dead });
    const { made } = await writeCardAhead(db, card('exo', 'line e1', 'line n1'));
    await dropCardAhead(db, made!, { seqno: 7, sending: JSON.stringify({ version: 5, sent: {} }) });
    expect(await logEntries(db, 'conflict')).toHaveLength(1);
    await dropCardAhead(db, made!, { seqno: 7, sending: dead });
    expect(await logEntries(db, 'conflict')).toHaveLength(0);
  });

  it('choices land field by field: the card closes exactly when every field has one, a field is never chosen twice, and the same race again reopens only its own fields', async () => {
    const db = await exoDb(engine);
    await new Migrator(db).up();
    const FIELDS = ['body_text', 'due_at', 'completed', 'tags'] as const;
    const entry = (fields: readonly string[]): LogEntry => ({
      direction: 'outbound',
      kind: 'conflict',
      activitySeqno: 9,
      postId: 'pst_9',
      reason: 'conflict',
      detail: { policy: 'newest-wins', winner: 'exo', fields, exo: Object.fromEntries(fields.map((f) => [f, `e ${f}`])), numerik: Object.fromEntries(fields.map((f) => [f, `n ${f}`])) },
    });
    const open = async () => (await logEntries(db, 'conflict')).filter((c) => c.RESOLVED_AT === null);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.constantFrom(...FIELDS), { minLength: 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), async (fields, indexes) => {
        const picks = indexes.map((i) => fields[i % fields.length]!);
        await db.table('X_NUMERIK_LOG').update({ RESOLVED_AT: new Date() });
        await db.knex.transaction((trx) => writeLogWithCards(db, [entry(fields)], trx));
        const id = Number((await db.table('X_NUMERIK_LOG').where({ KIND: 'conflict' }).whereNull('RESOLVED_AT').first('ID'))!.ID);
        const chosen = new Set<string>();
        for (const f of picks) {
          const answer = await recordChoices(db, id, { [f]: { side: 'exo', by: 'Jo', at: '', did: `kept ${f}` } }, (all) => ({ by: 'Jo', resolution: Object.keys(all).sort().join(',') }));
          if (chosen.size === fields.length) expect(answer).toEqual({ closed: true });
          else if (chosen.has(f)) expect(answer).toEqual({ taken: f });
          else {
            chosen.add(f);
            expect(answer).toEqual({ open: fields.filter((x) => !chosen.has(x)) });
          }
        }
        expect((await open()).length).toBe(chosen.size === fields.length ? 0 : 1);
        const stray = recordChoices(db, id, { stray: {} }, () => ({ by: 'Jo', resolution: '' }));
        if (chosen.size === fields.length) await expect(stray).resolves.toEqual({ closed: true });
        else await expect(stray).rejects.toThrow(`conflict #${id} is not about stray`);
        if (chosen.size < fields.length && chosen.size > 0) {
          // The same race seen again on one chosen field: that field is open again, the other choices stand.
          const again = [...chosen][0]!;
          await db.knex.transaction((trx) => writeLogWithCards(db, [entry([again])], trx));
          const merged = JSON.parse((await open())[0]!.DETAIL!) as { choices?: Record<string, unknown> };
          expect(Object.keys(merged.choices ?? {}).sort()).toEqual([...chosen].filter((f) => f !== again).sort());
        }
      }),
      { seed: 20261206, numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
    );
  });
});
