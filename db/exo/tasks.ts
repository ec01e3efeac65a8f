/**
 * What exo-numerik knows about Exo's activities table (reference: exo-schema.md §1, EXO 8.7).
 * Every other module names TASKS columns through these constants.
 */
export const TASKS = 'TASKS';
export const TASKS_KEY = 'SEQNO';

/** Our hyperlink field on TASKS, registered in EXTRA_FIELDS so Exo shows it on the Extra Fields tab. */
export const FOLDER_COLUMN = 'X_NUMERIK_FOLDER';
export const FOLDER_COLUMN_TYPE = 'VARCHAR(255)';

/** The hyperlink to the activity's post in Numerik's web app. */
export const POST_COLUMN = 'X_NUMERIK_POST';
export const POST_COLUMN_TYPE = 'VARCHAR(255)';

/** The activity's sync state in words ("In Numerik · linked 1 Dec 10:22", "Waiting: customer not linked"). */
export const STATE_COLUMN = 'X_NUMERIK_STATE';
export const STATE_COLUMN_TYPE = 'VARCHAR(100)';
export const STATE_LENGTH = 100;

/** Our extra fields on TASKS: the only Exo columns a migration may add. */
export const OUR_TASKS_COLUMNS = [FOLDER_COLUMN, POST_COLUMN, STATE_COLUMN] as const;

/**
 * Columns whose change the capture trigger queues. Stamps (MODIFIEDDATE/BY), Outlook's columns,
 * reminders, labels and our own extra fields are left out: changing only those syncs nothing.
 */
export const WATCHED_COLUMNS: { name: string; text?: { length: number } }[] = [
  { name: 'SUBJECT', text: { length: 60 } },
  { name: 'DETAILS', text: { length: 5500 } },
  { name: 'COMPANYID', text: { length: 50 } },
  { name: 'ASSIGNED_TO' },
  { name: 'COMPLETED', text: { length: 1 } },
  { name: 'COMPLETED_DATETIME' },
  { name: 'START_DATETIME' },
  { name: 'END_DATETIME' },
  { name: 'TYPE' },
  { name: 'STATUS' },
  { name: 'ACTIVITY_TYPE' },
  { name: 'DELETED_FLAG', text: { length: 1 } },
  { name: 'EVENTTYPE' },
];

/** Columns the sync reads or writes; an Exo database whose TASKS lacks one of them is refused. */
export const REQUIRED_TASKS_COLUMNS = [
  TASKS_KEY,
  ...WATCHED_COLUMNS.map((c) => c.name),
  'CONTACTSEQNO',
  'ASSIGNED_BY',
  'CREATEDBY',
  'CREATEDATE',
  'MODIFIEDBY',
  'MODIFIEDDATE',
  'COMPLETED_PERCENT',
  'SYNC_ACTIVITY',
  'JOBNO',
  'SU_SEQNO',
  'SUBS_HDR_SEQNO',
  'OUTLOOKENTRYID',
];

/** Lookup tables the sync reads. */
export const REQUIRED_TABLES = ['STAFF', 'TASK_TYPES', 'TASK_STATUSES'];

export const LIMITS = { SUBJECT: 60, DETAILS: 5500, COMPANYID: 50 } as const;

/**
 * NOT NULL columns of TASKS without a confirmed default, and what an insert of ours puts there.
 * JOBNO/SU_SEQNO/SUBS_HDR_SEQNO: -1 is Exo's "none" elsewhere (DR_CONT_HIST.ACCNO); unconfirmed.
 */
export const TASK_INSERT_DEFAULTS = {
  DELETED_FLAG: 'N',
  SYNC_ACTIVITY: 'N',
  JOBNO: -1,
  SU_SEQNO: -1,
  SUBS_HDR_SEQNO: -1,
} as const;

export const ACTIVITY_TYPE = { appointment: 0, task: 1 } as const;
