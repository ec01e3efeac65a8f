import type { CaptureSpec, KeyedTable } from '../../db/dialect/dialect.js';
import { TASKS, TASKS_KEY, WATCHED_COLUMNS } from '../../db/exo/tasks.js';
import { OBJECTS } from '../../db/plugin/objects.js';
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
 * trigger; a set not yet split when it is reverted is dropped with its table, so drain the queue
 * first (`exo-numerik status`: nothing waiting).
 */
export const bulkCapture: Migration = {
  name: '0006-bulk-capture',
  summary: 'X_NUMERIK_QUEUE_SETS, and the capture trigger(s) on TASKS rewritten to record a many-row statement as one row',
  up: (d) => [...d.createKeyedTable(queueSetsTable), ...d.tuneQueueTable(OBJECTS.queueSets), ...d.storeUncompressed(OBJECTS.queueSets, 'KEYS'), ...d.captureTriggerDown(spec()), ...d.captureTriggerUp(spec(OBJECTS.queueSets))],
  down: (d) => [...d.captureTriggerDown(spec(OBJECTS.queueSets)), ...d.captureTriggerUp(spec()), ...d.dropKeyedTable(queueSetsTable)],
};
