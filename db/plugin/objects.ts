/**
 * The names of every object exo-numerik adds to an Exo database. All start with X_NUMERIK_, Exo's
 * convention for add-on objects, and the migration guard refuses any other name.
 */
export const OBJECTS = {
  migrations: 'X_NUMERIK_MIGRATIONS',
  settings: 'X_NUMERIK_SETTINGS',
  log: 'X_NUMERIK_LOG',
  logSeq: 'X_NUMERIK_LOG_SEQ',
  postLink: 'X_NUMERIK_POST_LINK',
  createIntent: 'X_NUMERIK_CREATE_INTENT',
  customerLink: 'X_NUMERIK_CUSTOMER_LINK',
  staffLink: 'X_NUMERIK_STAFF_LINK',
  typeTag: 'X_NUMERIK_TYPE_TAG',
  inbox: 'X_NUMERIK_INBOX',
  inboxSeq: 'X_NUMERIK_INBOX_SEQ',
  queue: 'X_NUMERIK_QUEUE',
  queueSeq: 'X_NUMERIK_QUEUE_SEQ',
  queueSets: 'X_NUMERIK_QUEUE_SETS',
  queueSetsSeq: 'X_NUMERIK_QUEUE_SETS_SEQ',
  captureTrigger: 'X_NUMERIK_TASKS_CAPTURE',
} as const;

export const OUR_PREFIX = 'X_NUMERIK_';
