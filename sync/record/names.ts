// The words an operator types for records, actions and mappings: kept apart from the modules that
// act on them so that a command line can check its arguments without loading the sync.
import type { ContentField } from '../mapping/content.js';
import type { RecordKey } from './record-view.js';

export type RecordAction = 'retry' | 'send-exo' | 'take-numerik' | 'unlink';
export const RECORD_ACTIONS: readonly RecordAction[] = ['retry', 'send-exo', 'take-numerik', 'unlink'];

export type MappingKind = 'staff' | 'customer' | 'type';
export const MAPPING_KINDS: readonly MappingKind[] = ['staff', 'customer', 'type'];

/** The fields a person can choose between (a conflict's sides, send-exo/take-numerik). */
export const CONTENT_FIELDS: readonly ContentField[] = ['customer_id', 'body_text', 'assignee_id', 'due_at', 'follow_up_date', 'completed', 'completed_at', 'tags'];

/** `activity 123` or `post p_1`, as typed or routed; anything else is no record. */
export const recordKeyOf = (kind: string, key: string): RecordKey | undefined => {
  if (kind === 'activity' && /^\d{1,9}$/.test(key)) return { activity: Number(key) };
  if (kind === 'post' && /^[\x21-\x7e]{1,64}$/.test(key)) return { post: key };
  return undefined;
};
