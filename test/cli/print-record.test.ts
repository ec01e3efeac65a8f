import fc from 'fast-check';
import { expect, it } from 'vitest';
import { formatRecord } from '../../cli/print-record.js';
import { writeLog } from '../../db/plugin/log.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { databaseOperations } from '../../service/operations.js';
import { WIRE_NAMES, wordsIn } from '../../sync/record/field-words.js';
import { syncFixture } from '../support/sync.js';
import { forEachTarget } from '../support/targets.js';

const WIRE = WIRE_NAMES;

forEachTarget('`show` in an Exo consultant’s words', (engine) => {
  it('fields as an Exo user says them, names beside ids, times in the site zone named, history by the time it was logged', async () => {
    const f = await syncFixture(engine);
    try {
      const seqno = await f.seed.task({ subject: 'Deliver the chairs', details: 'Deliver the chairs\n40 of them', companyId: 'D101', assignedTo: f.staff.ann, type: f.types.call, end: new Date('2026-12-10T09:00:00.000Z') });
      await f.worker().drain();
      // Logged before the line with the smaller id: ids are not in time order across connections.
      await writeLog(f.db, [{ direction: 'system', kind: 'note', activitySeqno: seqno, reason: 'logged first, numbered last' }]);
      await f.db.table(OBJECTS.log).where({ REASON: 'logged first, numbered last' }).update({ LOGGED_AT: new Date('2026-01-01T00:00:00Z') });

      const view = await databaseOperations(f.db, f.options, async () => f.client).record({ activity: seqno });
      expect(view.names).toMatchObject({ [f.users.ann]: 'Ann Smith', [f.customers.acme]: 'Acme Ltd', D101: 'Acme Ltd' });
      expect(view.history.map((h) => h.at)).toEqual(view.history.map((h) => h.at).sort().reverse());
      expect(view.history.at(-1)!.reason).toBe('logged first, numbered last');

      const text = formatRecord(view);
      expect(text).toContain('subject: Deliver the chairs · account Acme Ltd · D101');
      expect(text).toContain('times in Pacific/Auckland');
      expect(text).toMatch(/^ {2}Assigned to {3}Ann Smith · usr_/m);
      expect(text).toMatch(/^ {2}Customer {6}Acme Ltd · cus_/m);
      expect(text).toMatch(/^ {2}Due {11}10 Dec 2026 09:00 GMT\+13 /m);
      expect(text).toMatch(/^ {2}Type\/tags {5}phone CALL /m);
      expect(text).not.toMatch(/^ {2}Follow-up/m);
      expect(text).not.toContain('* ');
      for (const wire of WIRE) expect(text).not.toContain(wire);
    } finally {
      await f.close();
    }
  });
});

it("a log line in the pages' words: no wire field name is left in any text, and an id the page knows gets its name beside it", () => {
  const names = new Map([['usr_abc123', 'Ann Smith']]);
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(...WIRE, 'usr_abc123', ' ', ':', '_', '(', 'x'), fc.string({ maxLength: 4 }))), (parts) => {
      const said = wordsIn(parts.join(''), names);
      for (const wire of WIRE) expect(said).not.toMatch(new RegExp(`\\b${wire}\\b`));
      for (const m of said.matchAll(/\busr_abc123\b/g)) expect(said.slice(0, m.index)).toMatch(/Ann Smith · $/);
    }),
    { seed: 20261206, numRuns: 300 },
  );
});
