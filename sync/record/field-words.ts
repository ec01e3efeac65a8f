// How a person reads a record's fields: the words an Exo user says for them, names beside ids,
// times in the site's zone. Pure: the record page, the conflict cards and `show` all use it.
import { DateTime } from 'luxon';
import type { ContentField } from '../mapping/content.js';

export const FIELD_LABELS: Readonly<Record<ContentField, string>> = {
  customer_id: 'Customer',
  body_text: 'Text',
  assignee_id: 'Assigned to',
  due_at: 'Due',
  follow_up_date: 'Follow-up',
  completed: 'Completed',
  completed_at: 'Completed on',
  tags: 'Type/tags',
};

/** A field as an Exo user says it; a name this code does not know stays as it came. */
export const fieldLabel = (field: string): string => FIELD_LABELS[field as ContentField] ?? field;

/** What a record's values are read with: the site's zone, and the names of the ids they hold. */
export interface Reading {
  timeZone: string;
  /** Customer, user and account ids to the names people know them by. */
  names: ReadonlyMap<string, string>;
}

/** An id with its name beside it; one nobody named is said to be so, never left bare. */
export const named = (id: string, names: ReadonlyMap<string, string>): string => `${names.get(id) ?? '(name not known here)'} · ${id}`;

/** An instant (UTC) in the site's zone, the offset named: 10 Dec 2026 09:00 GMT+13. */
export function siteTime(iso: string, timeZone: string): string {
  const t = DateTime.fromISO(iso, { zone: timeZone });
  return t.isValid ? t.toFormat('d LLL yyyy HH:mm ZZZZ') : iso;
}

/** A wall-clock time of the site as Exo stores it (no offset), as the site reads it. */
export function wallTime(iso: string, timeZone: string): string {
  const t = DateTime.fromISO(iso.replace(/Z$/, ''), { zone: timeZone });
  return t.isValid ? t.toFormat('d LLL yyyy HH:mm ZZZZ') : iso;
}

/** One field's value as an Exo user reads it: — for none, Yes/No, names beside ids, times in the site's zone, tags as a list. */
export function valueWords(field: string, value: unknown, r: Reading): string {
  if (value === null || value === undefined || value === '') return '—';
  switch (field as ContentField) {
    case 'customer_id':
    case 'assignee_id':
      return typeof value === 'string' ? named(value, r.names) : String(value);
    case 'completed':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'due_at':
    case 'completed_at':
      return typeof value === 'string' ? siteTime(value, r.timeZone) : String(value);
    case 'follow_up_date': {
      const d = typeof value === 'string' ? DateTime.fromISO(value, { zone: 'utc' }) : undefined;
      return d?.isValid ? d.toFormat('d LLL yyyy') : String(value);
    }
    case 'tags':
      return Array.isArray(value) ? (value.length ? value.join(', ') : '—') : String(value);
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** The fields' names on the wire that are no English word (completed and tags are both). */
export const WIRE_NAMES: readonly string[] = Object.keys(FIELD_LABELS).filter((f) => f.includes('_'));
const WIRE_NAME = new RegExp(`\\b(${WIRE_NAMES.join('|')})\\b`, 'g');
const ID = /\b(?:cus|usr)_[A-Za-z0-9]+\b/g;

/**
 * A sentence of the log (a reason, an error) in the same words: each field as an Exo user says it,
 * and a name beside each customer or user id this page knows one for.
 */
export const wordsIn = (text: string, names: ReadonlyMap<string, string> = new Map()): string =>
  text.replace(WIRE_NAME, (f) => fieldLabel(f)).replace(ID, (id) => (names.has(id) ? `${names.get(id)} · ${id}` : id));

/** The log's directions as a person says them. */
export const DIRECTION_WORDS: Readonly<Record<string, string>> = { outbound: 'Exo → Numerik', inbound: 'Numerik → Exo', system: 'exo-numerik' };
