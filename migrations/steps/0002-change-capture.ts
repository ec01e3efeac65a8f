import type { CaptureSpec, KeyedTable } from '../../db/dialect/dialect.js';
import { TASKS, TASKS_KEY, WATCHED_COLUMNS } from '../../db/exo/tasks.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import type { Migration } from '../migration.js';

export const queueTable: KeyedTable = {
  name: OBJECTS.queue,
  key: 'ID',
  sequence: OBJECTS.queueSeq,
  build(t) {
    t.integer('ACTIVITY_SEQNO').notNullable();
    t.string('OPERATION', 1).notNullable();
    t.string('STATE', 10).notNullable();
    t.integer('ATTEMPTS').notNullable();
    t.datetime('QUEUED_AT').notNullable();
    t.datetime('NEXT_ATTEMPT_AT').notNullable();
    t.string('CLAIMED_BY', 100).nullable();
    t.datetime('LEASE_UNTIL').nullable();
    t.string('LAST_ERROR', 2000).nullable();
    // No index besides the primary key: the trigger writes this table inside every Exo save, and
    // each index costs about as much as the row itself (npm run bench -- triggers). The queue holds
    // only live work (parked and dead items move to X_NUMERIK_LOG), so claims walk the key in order.
  },
};

export const captureSpec: CaptureSpec = {
  table: TASKS,
  key: TASKS_KEY,
  watched: WATCHED_COLUMNS,
  queue: OBJECTS.queue,
  triggerName: OBJECTS.captureTrigger,
};

/** The outbound queue and the triggers on TASKS that fill it: which activity changed, never its data. */
export const changeCapture: Migration = {
  name: '0002-change-capture',
  summary: 'X_NUMERIK_QUEUE (keyed by a SEQUENCE) and the change-capture trigger(s) on TASKS',
  up: (d) => [...d.createKeyedTable(queueTable), ...d.tuneQueueTable(OBJECTS.queue), ...d.captureTriggerUp(captureSpec)],
  down: (d) => [...d.captureTriggerDown(captureSpec), ...d.dropKeyedTable(queueTable)],
};
