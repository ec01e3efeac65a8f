import type { KeyedTable } from '../../db/dialect/dialect.js';
import { OBJECTS } from '../../db/plugin/objects.js';
import type { Migration } from '../migration.js';

export const logTable: KeyedTable = {
  name: OBJECTS.log,
  key: 'ID',
  sequence: OBJECTS.logSeq,
  build(t) {
    t.datetime('LOGGED_AT').notNullable();
    t.string('DIRECTION', 10).notNullable();
    t.string('KIND', 20).notNullable();
    t.integer('ACTIVITY_SEQNO').nullable();
    t.string('POST_ID', 64).nullable();
    t.string('REASON', 400).notNullable();
    t.text('DETAIL').nullable();
    t.datetime('RESOLVED_AT').nullable();
    t.index(['KIND', 'LOGGED_AT'], `${OBJECTS.log}_KIND`);
  },
};

export const inboxTable: KeyedTable = {
  name: OBJECTS.inbox,
  key: 'ID',
  sequence: OBJECTS.inboxSeq,
  build(t) {
    t.string('EVENT_ID', 100).notNullable();
    t.string('EVENT_TYPE', 40).notNullable();
    t.string('POST_ID', 64).notNullable();
    t.integer('POST_VERSION').nullable();
    t.string('SOURCE', 10).notNullable();
    t.datetime('RECEIVED_AT').notNullable();
    t.string('STATE', 10).notNullable();
    t.integer('ATTEMPTS').notNullable();
    t.datetime('NEXT_ATTEMPT_AT').notNullable();
    t.string('CLAIMED_BY', 100).nullable();
    t.datetime('LEASE_UNTIL').nullable();
    t.string('LAST_ERROR', 2000).nullable();
    t.unique(['EVENT_ID'], { indexName: `${OBJECTS.inbox}_EVENT`, useConstraint: true });
    // Nothing else is indexed: the inbox holds only live work (finished rows are deleted, parked
    // and dead ones move to X_NUMERIK_LOG), so claims walk the key in order, as on the queue; and
    // with no lease column indexed, a claim rewrites the row in place instead of every index,
    // which keeps the receiver's INSERT quick while the worker is busy (npm run bench -- inbound).
  },
};

/** Our bookkeeping tables: migration history, settings, audit log, links, and the webhook inbox. */
export const pluginTables: Migration = {
  name: '0001-plugin-tables',
  summary: 'X_NUMERIK_* tables: migrations, settings, log, post/customer/staff/type links, inbox',
  up: (d) => [
    ...d.createTable(OBJECTS.migrations, (t) => {
      t.string('NAME', 200).notNullable().primary(`${OBJECTS.migrations}_PK`);
      t.string('CHECKSUM', 64).notNullable();
      t.datetime('APPLIED_AT').notNullable();
    }),
    ...d.createTable(OBJECTS.settings, (t) => {
      t.string('SETTING_KEY', 100).notNullable().primary(`${OBJECTS.settings}_PK`);
      t.text('SETTING_VALUE').notNullable();
      t.datetime('UPDATED_AT').notNullable();
      t.string('UPDATED_BY', 100).nullable();
    }),
    ...d.createKeyedTable(logTable),
    ...d.createTable(OBJECTS.postLink, (t) => {
      t.integer('ACTIVITY_SEQNO').notNullable().primary(`${OBJECTS.postLink}_PK`);
      t.string('POST_ID', 64).notNullable();
      t.string('POST_TYPE', 10).notNullable();
      t.string('ORIGIN', 10).notNullable();
      t.string('STATE', 20).notNullable();
      // What each side looked like when the two last agreed: the base of the three-way merge.
      t.string('EXO_HASH', 64).nullable();
      t.text('EXO_CONTENT').nullable();
      t.integer('EXO_ASSIGNED_TO').nullable();
      t.integer('NUMERIK_VERSION').nullable();
      t.string('NUMERIK_HASH', 64).nullable();
      t.text('NUMERIK_CONTENT').nullable();
      t.datetime('CREATED_AT').notNullable();
      t.datetime('SYNCED_AT').notNullable();
      t.unique(['POST_ID'], { indexName: `${OBJECTS.postLink}_POST`, useConstraint: true });
    }),
    ...d.createTable(OBJECTS.customerLink, (t) => {
      t.string('ACCOUNT_TYPE', 1).notNullable();
      t.integer('ACCNO').notNullable();
      t.string('CUSTOMER_ID', 64).notNullable();
      t.string('CUSTOMER_NAME', 200).nullable();
      t.datetime('UPDATED_AT').notNullable();
      t.primary(['ACCOUNT_TYPE', 'ACCNO'], { constraintName: `${OBJECTS.customerLink}_PK` });
      t.unique(['CUSTOMER_ID'], { indexName: `${OBJECTS.customerLink}_CUSTOMER`, useConstraint: true });
    }),
    ...d.createTable(OBJECTS.staffLink, (t) => {
      t.integer('STAFFNO').notNullable().primary(`${OBJECTS.staffLink}_PK`);
      t.string('USER_ID', 64).notNullable();
      t.string('EMAIL', 200).nullable();
      t.string('SOURCE', 10).notNullable();
      t.datetime('UPDATED_AT').notNullable();
      t.unique(['USER_ID'], { indexName: `${OBJECTS.staffLink}_USER`, useConstraint: true });
    }),
    ...d.createTable(OBJECTS.typeTag, (t) => {
      t.integer('TYPE_SEQNO').notNullable().primary(`${OBJECTS.typeTag}_PK`);
      t.string('TAG_NAME', 100).notNullable();
      t.string('TAG_ID', 64).nullable();
      t.string('SOURCE', 10).notNullable();
      t.datetime('UPDATED_AT').notNullable();
      t.index(['TAG_NAME'], `${OBJECTS.typeTag}_TAG`);
    }),
    ...d.createKeyedTable(inboxTable),
  ],
  down: (d) => [
    ...d.dropKeyedTable(inboxTable),
    d.dropTable(OBJECTS.typeTag),
    d.dropTable(OBJECTS.staffLink),
    d.dropTable(OBJECTS.customerLink),
    d.dropTable(OBJECTS.postLink),
    ...d.dropKeyedTable(logTable),
    d.dropTable(OBJECTS.settings),
    // Last: with it goes the record that anything was ever applied.
    d.dropTable(OBJECTS.migrations),
  ],
};
