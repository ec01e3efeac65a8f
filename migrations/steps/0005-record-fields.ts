import { POST_COLUMN, POST_COLUMN_TYPE, STATE_COLUMN, STATE_COLUMN_TYPE } from '../../db/exo/tasks.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import { addExtraField, dropExtraField } from '../extra-field-row.js';
import type { Migration } from '../migration.js';

/**
 * What an Exo user sees of the sync on each activity (its post's address, its state in words), and
 * what an operator's overrides and decisions need: the post's web address on the link, a SOURCE on
 * customer links (so a manual one survives the Sales Sync refresh), who resolved a log entry, and
 * the indexes a record's history is read by.
 */
export const recordFields: Migration = {
  name: '0005-record-fields',
  summary: 'TASKS.X_NUMERIK_POST and TASKS.X_NUMERIK_STATE (nullable, metadata-only) with their EXTRA_FIELDS rows; columns for post URLs, manual customer links, resolutions; log indexes by activity and post',
  up: (d, o) => [
    ...addExtraField(d, POST_COLUMN, POST_COLUMN_TYPE, o.postField),
    ...addExtraField(d, STATE_COLUMN, STATE_COLUMN_TYPE, o.stateField),
    d.addColumn(OBJECTS.postLink, 'POST_URL', d.exoType('NVARCHAR(400)')),
    d.addColumn(OBJECTS.customerLink, 'SOURCE', d.exoType('NVARCHAR(10)')),
    d.addColumn(OBJECTS.log, 'RESOLVED_BY', d.exoType('NVARCHAR(100)')),
    d.addColumn(OBJECTS.log, 'RESOLUTION', d.exoType('NVARCHAR(400)')),
    // A record's page reads its history by activity or by post.
    ...d.alterTable(OBJECTS.log, (t) => {
      t.index(['ACTIVITY_SEQNO'], `${OBJECTS.log}_ACTIVITY`);
      t.index(['POST_ID'], `${OBJECTS.log}_POST`);
    }),
  ],
  down: (d) => [
    ...d.alterTable(OBJECTS.log, (t) => {
      t.dropIndex(['POST_ID'], `${OBJECTS.log}_POST`);
      t.dropIndex(['ACTIVITY_SEQNO'], `${OBJECTS.log}_ACTIVITY`);
    }),
    d.dropColumn(OBJECTS.log, 'RESOLUTION'),
    d.dropColumn(OBJECTS.log, 'RESOLVED_BY'),
    d.dropColumn(OBJECTS.customerLink, 'SOURCE'),
    d.dropColumn(OBJECTS.postLink, 'POST_URL'),
    ...dropExtraField(d, STATE_COLUMN),
    ...dropExtraField(d, POST_COLUMN),
  ],
};
