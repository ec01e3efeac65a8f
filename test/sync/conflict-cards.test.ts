import { expect, it } from 'vitest';
import { writeLogWithCards } from '../../db/plugin/conflict-cards.js';
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
});
