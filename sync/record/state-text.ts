import { DateTime } from 'luxon';
import { LIMITS_OF_RECORD_FIELDS } from '../../db/exo/record-fields.js';

/** What just happened to an activity, as far as its state field is concerned. */
export type RecordEvent =
  /** Linked and in step; `transferred`: this time something was carried across. */
  /** `changedAt`: when the newest change it carried was made (captured, or received); only a change after a conflict was recorded supersedes it. */
  /** `restored`: deleted in Exo, restored there, and synced again this time. */
  | { kind: 'synced'; transferred: boolean; conflict: boolean; changedAt?: Date; restored?: boolean }
  | { kind: 'waiting'; reason: string }
  | { kind: 'stopped' }
  | { kind: 'not-synced'; reason: string }
  | { kind: 'deleted-in-numerik' };

export const IN_NUMERIK = 'In Numerik';
export const STOPPED = 'Stopped: see exo-numerik status';
export const DELETED_IN_NUMERIK = 'Deleted in Numerik';
const CONFLICT = `${IN_NUMERIK} · conflict to review: see exo-numerik status`;

const fit = (text: string) => (text.length <= LIMITS_OF_RECORD_FIELDS.state ? text : `${text.slice(0, LIMITS_OF_RECORD_FIELDS.state - 1)}…`);

/**
 * The activity's state in words a person understands. It names a time only for "synced": when
 * something was last carried across, so an activity that merely stays in step is never rewritten.
 */
export function stateText(event: RecordEvent, current: string | null, at: { now: Date; lastSynced: Date }, timeZone: string): string {
  const when = (d: Date) => DateTime.fromJSDate(d, { zone: timeZone }).toFormat('d LLL HH:mm');
  switch (event.kind) {
    case 'synced':
      if (event.conflict) return CONFLICT;
      if (event.restored) return `${IN_NUMERIK} · restored in Exo, synced ${when(at.now)}`;
      if (event.transferred) return `${IN_NUMERIK} · synced ${when(at.now)}`;
      if (current?.startsWith(`${IN_NUMERIK} · synced `)) return current;
      return `${IN_NUMERIK} · synced ${when(at.lastSynced)}`;
    case 'waiting':
      return fit(`Waiting: ${event.reason}`);
    case 'stopped':
      return STOPPED;
    case 'not-synced':
      return fit(`Not synced: ${event.reason}`);
    case 'deleted-in-numerik':
      return DELETED_IN_NUMERIK;
  }
}
