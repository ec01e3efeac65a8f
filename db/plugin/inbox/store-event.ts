import type { Knex } from 'knex';
import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

/** What the inbox's id columns hold: printable ASCII, without spaces (checked before a row is stored). */
export const STORABLE_ID = /^[\x21-\x7e]+$/;

/** The inbox also carries the download of a post's attachments, a job of its own. */
export const ATTACHMENTS_JOB = 'attachments';

export interface InboundEvent {
  eventId: string;
  type: string;
  postId: string;
  version: number | null;
  /** 'webhook', 'reconcile' (the poll), or 'requeue' (a parked post whose link appeared). */
  source: 'webhook' | 'reconcile' | 'requeue';
}

/** Stores an event once: a second delivery of the same event id is reported, and changes nothing. */
export async function storeEvent(db: Db, event: InboundEvent, trx?: Knex.Transaction): Promise<'stored' | 'duplicate'> {
  const now = db.knex.raw(db.dialect.now());
  try {
    await (trx ?? db.knex)(`${db.target.schema}.${OBJECTS.inbox}`).insert({
      EVENT_ID: event.eventId,
      EVENT_TYPE: event.type,
      POST_ID: event.postId,
      POST_VERSION: event.version,
      SOURCE: event.source,
      RECEIVED_AT: now,
      STATE: 'ready',
      ATTEMPTS: 0,
      NEXT_ATTEMPT_AT: now,
    });
    return 'stored';
  } catch (error) {
    if (!trx && db.dialect.isUniqueViolation(error)) return 'duplicate';
    throw error;
  }
}

/** Stores an event inside `trx` unless one with its id is there already (no failed statement in the transaction). */
export async function storeEventOnce(db: Db, event: InboundEvent, trx: Knex.Transaction): Promise<void> {
  const exists = await trx(`${db.target.schema}.${OBJECTS.inbox}`).where({ EVENT_ID: event.eventId }).first('ID');
  if (!exists) await storeEvent(db, event, trx);
}
