import type { CaptureSpec, KeyedTable } from '../../db/dialect/dialect.js';
import { TASKS, TASKS_KEY, WATCHED_COLUMNS } from '../../db/exo/tasks.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { fanOutSets } from '../../db/plugin/queue/fan-out.js';
import type { Migration } from '../migration.js';

/** One row per Exo statement that changed more than one activity: the changed keys, as JSON. */
export const queueSetsTable: KeyedTable = {
  name: OBJECTS.queueSets,
  key: 'ID',
  sequence: OBJECTS.queueSetsSeq,
  build(t) {
    t.string('OPERATION', 1).notNullable();
    // The changed keys as JSON: [{"k":123},…] from FOR JSON PATH (SQL Server), [123,…] from json_agg.
    t.text('KEYS').notNullable();
    // How many of KEYS the worker has already put in the queue (it splits a big set in slices).
    t.integer('FANNED_OUT').notNullable();
    t.datetime('QUEUED_AT').notNullable();
  },
};

const SETS_WAITING =
  `${OBJECTS.queueSets} still holds changes of bulk Exo statements not yet split into ${OBJECTS.queue}: reverting 0006-bulk-capture now would lose them. ` +
  'Let the worker run (`exo-numerik sync`) or revert with `exo-numerik migrate down`, which splits them first, then revert again.';

// Spelled out here, not imported from 0002: a released migration never changes under a later one.
const spec = (sets?: string): CaptureSpec => ({
  table: TASKS,
  key: TASKS_KEY,
  watched: WATCHED_COLUMNS,
  queue: OBJECTS.queue,
  triggerName: OBJECTS.captureTrigger,
  sets,
});

/**
 * A statement that changes many activities (an import, a bulk reassign) writes one row inside the
 * Exo user's transaction instead of one per activity; the worker splits it into queue rows in its
 * own transactions. A statement of one row keeps its queue row. Reverting puts back 0002's
 * trigger and drops the sets, so no captured change may be waiting in one: `migrate down` splits
 * them first, and the revert itself refuses while any is left (a hand-run script, a set written
 * between the two). The check follows the trigger swap, which waits out every Exo statement that
 * could still be writing a set.
 */
export const bulkCapture: Migration = {
  name: '0006-bulk-capture',
  summary: 'X_NUMERIK_QUEUE_SETS, and the capture trigger(s) on TASKS rewritten to record a many-row statement as one row',
  up: (d) => [...d.createKeyedTable(queueSetsTable), ...d.tuneQueueTable(OBJECTS.queueSets), ...d.storeUncompressed(OBJECTS.queueSets, 'KEYS'), ...d.captureTriggerDown(spec()), ...d.captureTriggerUp(spec(OBJECTS.queueSets))],
  down: (d) => [
    ...d.captureTriggerDown(spec(OBJECTS.queueSets)),
    ...d.captureTriggerUp(spec()),
    ...d.refuseWhileRows(OBJECTS.queueSets, SETS_WAITING),
    ...d.dropKeyedTable(queueSetsTable),
  ],
  beforeDown: {
    says: `splits the sets still waiting in ${OBJECTS.queueSets} into queue rows`,
    async run(db) {
      const { unreadable } = await fanOutSets(db);
      if (unreadable.length) throw new Error(`not reverted: ${unreadable.join('; ')}, and reverting would drop it`);
    },
  },
};
