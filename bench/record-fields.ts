import { defaultSyncOptions } from '../sync/options.js';
import { refreshRecordFields } from '../sync/record/refresh-fields.js';
import { silentLogger } from '../logging/logger.js';
import { syncFixture } from '../test/support/sync.js';
import { benchTargets, openEngine, timed } from './engines.js';

const COUNT = 2_000;
const BATCH = 100;

/**
 * What the activity's two fields (its post's address, its state in words) cost the outbound
 * worker: the drain of COUNT activities, each batch of which refreshes them, against the refresh
 * alone, when every field changes (the first sync) and when none does (a sync that finds both
 * sides in step: reads only, no write to TASKS).
 */
export async function benchRecordFields(): Promise<void> {
  for (const { name, target } of benchTargets()) {
    const engine = await openEngine(target);
    try {
      const f = await syncFixture({ fresh: () => engine.schema() });
      try {
        const seqnos: number[] = [];
        for (let i = 0; i < COUNT; i++) seqnos.push(await f.seed.task({ subject: `Bench ${i}`, details: `Bench ${i}\ndetails`, companyId: 'D101', assignedTo: f.staff.ann }));
        const drainMs = await timed(() => f.worker({ batchSize: BATCH }).drain());
        const options = defaultSyncOptions(f.options);
        const refreshAll = async () => {
          for (let i = 0; i < seqnos.length; i += BATCH) {
            await refreshRecordFields(f.db, seqnos.slice(i, i + BATCH).map((seqno) => ({ seqno, event: { kind: 'synced', transferred: false, conflict: false } })), options, silentLogger);
          }
        };
        await f.db.table('TASKS').update({ X_NUMERIK_STATE: null, X_NUMERIK_POST: null });
        const writeMs = await timed(refreshAll);
        const readMs = await timed(refreshAll);
        console.log(
          `${name}: drain of ${COUNT.toLocaleString('en')} activities ${drainMs.toFixed(0)} ms (fields included); the fields alone ` +
            `${writeMs.toFixed(0)} ms when all change (${((writeMs / drainMs) * 100).toFixed(1)}% of the drain), ` +
            `${readMs.toFixed(0)} ms when none does (${((readMs / drainMs) * 100).toFixed(1)}%; no TASKS write)`,
        );
      } finally {
        await f.close();
      }
    } finally {
      await engine.close();
    }
  }
}
