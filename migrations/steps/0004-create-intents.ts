import { OBJECTS } from '../../db/plugin/objects.js';
import type { Migration } from '../migration.js';

/**
 * Before the sync creates a post for an activity it records an unguessable token here, and the
 * post carries it in its external_ref: a post is adopted by an activity only with that activity's
 * token, so no Numerik user can claim an activity by writing "exo-task:<key>" on a post.
 */
export const createIntents: Migration = {
  name: '0004-create-intents',
  summary: 'X_NUMERIK_CREATE_INTENT: the token each post the sync creates carries, recorded before the create',
  up: (d) => [
    ...d.createTable(OBJECTS.createIntent, (t) => {
      t.integer('ACTIVITY_SEQNO').notNullable().primary(`${OBJECTS.createIntent}_PK`);
      t.string('TOKEN', 64).notNullable();
      t.datetime('CREATED_AT').notNullable();
    }),
  ],
  down: (d) => [d.dropTable(OBJECTS.createIntent)],
};
