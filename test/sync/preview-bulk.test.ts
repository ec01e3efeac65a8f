import { expect, it } from 'vitest';
import fc from 'fast-check';
import { OBJECTS } from '../../db/plugin/objects.js';
import { defaultSyncOptions } from '../../sync/options.js';
import type { PreviewItem } from '../../sync/preview/item.js';
import { runPreview } from '../../sync/preview/preview.js';
import { SortedKeys, unionPage } from '../../sync/preview/sorted-keys.js';
import { forEachTarget } from '../support/targets.js';
import { syncFixture } from '../support/sync.js';

forEachTarget('preview: bulk statements not yet split into the queue', (engine) => {
  it('previews the activities of waiting sets with the queue, each once, leaving the sets and the queue as they were', async () => {
    const f = await syncFixture(engine, { syncExoToNumerik: false, syncNumerikToExo: false });
    try {
      const task = (subject: string) => f.seed.task({ subject, details: `${subject}\nfor Acme`, companyId: 'D101', assignedTo: f.staff.ann, createdAt: new Date(Date.UTC(2026, 0, 5)) });
      const [a, b, c, d, e] = [await task('A'), await task('B'), await task('C'), await task('D'), await task('E')];
      await f.db.table(OBJECTS.queue).del();
      // One bulk statement over a, b, c; one over d, e of which the worker split d already (and d's row was sent).
      await f.db.table('TASKS').whereIn('SEQNO', [a, b, c]).update({ DETAILS: 'bulk\nreassigned' });
      await f.db.table('TASKS').whereIn('SEQNO', [d, e]).update({ DETAILS: 'bulk\nagain' });
      const sets = (await f.db.table(OBJECTS.queueSets).orderBy('ID').select('ID')) as { ID: number }[];
      expect(sets).toHaveLength(2);
      await f.db.table(OBJECTS.queueSets).where({ ID: sets[1]!.ID }).update({ FANNED_OUT: 1 });
      // b is also queued on its own, after an edit of one row: one item for it.
      await f.db.table('TASKS').where({ SEQNO: b }).update({ SUBJECT: 'B, edited' });
      const before = { sets: await f.db.table(OBJECTS.queueSets).orderBy('ID').select('*'), queue: await f.db.table(OBJECTS.queue).orderBy('ID').select('*') };

      const items: PreviewItem[] = [];
      const on = defaultSyncOptions({ ...f.options, syncExoToNumerik: true });
      const summary = await runPreview(f.db, f.client, on, { history: { since: new Date(Date.UTC(2026, 0, 1)) } }, (item) => void items.push(item));

      const outbound = items.filter((i) => i.direction === 'outbound');
      expect(outbound.map((i) => [i.activitySeqno, i.source, i.decision])).toEqual([
        [a, 'queue', 'create'],
        [b, 'queue', 'create'],
        [c, 'queue', 'create'],
        [e, 'queue', 'create'],
        // Split already and sent: not waiting, so only a backfill would send it again.
        [d, 'history', 'create'],
      ]);
      expect(summary.unreadable).toEqual([]);
      expect(summary.notes).toContain('2 bulk Exo statement(s) not yet split into the queue: their activities are previewed with it');
      expect({ sets: await f.db.table(OBJECTS.queueSets).orderBy('ID').select('*'), queue: await f.db.table(OBJECTS.queue).orderBy('ID').select('*') }).toEqual(before);
      expect(f.sandbox.store.posts.size).toBe(0);
    } finally {
      await f.close();
    }
  });

  it('a set that cannot be read is named, and the rest is previewed', async () => {
    const f = await syncFixture(engine, { syncExoToNumerik: false, syncNumerikToExo: false });
    try {
      const [a, b] = [await f.seed.task({ subject: 'A', companyId: 'D101', assignedTo: f.staff.ann }), await f.seed.task({ subject: 'B', companyId: 'D101', assignedTo: f.staff.ann })];
      await f.db.table(OBJECTS.queue).del();
      await f.db.table('TASKS').whereIn('SEQNO', [a, b]).update({ DETAILS: 'bulk' });
      await f.db.table('TASKS').whereIn('SEQNO', [a, b]).update({ DETAILS: 'bulk, again' });
      // The first set damaged by hand.
      const broken = ((await f.db.table(OBJECTS.queueSets).orderBy('ID').first('ID')) as { ID: number }).ID;
      await f.db.table(OBJECTS.queueSets).where({ ID: broken }).update({ KEYS: '[{"k":"x"}]' });

      const items: PreviewItem[] = [];
      const summary = await runPreview(f.db, f.client, defaultSyncOptions({ ...f.options, syncExoToNumerik: true }), {}, (item) => void items.push(item));
      expect(summary.unreadable).toEqual([`a bulk Exo statement's changes: captured set ${broken} in ${OBJECTS.queueSets} ({"k":"x"} is not an activity key); the worker leaves it there too`]);
      expect(items.filter((i) => i.direction === 'outbound').map((i) => i.activitySeqno)).toEqual([a, b]);
    } finally {
      await f.close();
    }
  });
});

it('paging the union of the queue and the sets gives every key once, in order (property)', () => {
  const keys = fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 120 });
  fc.assert(
    fc.property(keys, keys, fc.integer({ min: 1, max: 25 }), (queue, inSets, limit) => {
      const [q, s] = [new SortedKeys(queue), new SortedKeys(inSets)];
      const seen: number[] = [];
      for (let after = 0; ; ) {
        const page = unionPage(q.after(after, limit), s.after(after, limit), limit);
        if (!page.length) break;
        expect(page.length).toBeLessThanOrEqual(limit);
        seen.push(...page);
        after = page.at(-1)!;
      }
      expect(seen).toEqual([...new Set([...queue, ...inSets])].sort((x, y) => x - y));
      for (const k of inSets) expect(s.has(k)).toBe(true);
      for (const k of queue) expect(s.has(k)).toBe(inSets.includes(k));
    }),
    { seed: 24, numRuns: 300 },
  );
});
