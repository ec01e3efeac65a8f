/** One thing the sync would do, as a preview reports it. */
export interface PreviewItem {
  direction: 'outbound' | 'inbound';
  /** Where the preview found it: queued in Exo, in the inbox, among Numerik's recent posts, or history a backfill would send. */
  source: 'queue' | 'history' | 'inbox' | 'numerik';
  activitySeqno: number | null;
  postId: string | null;
  decision: PreviewDecision;
  reason: string;
  /** A sample of the text each side would hold afterwards (its first line, at most 120 characters). */
  exoText: string | null;
  numerikText: string | null;
  /**
   * The side(s) it would write, where that is not simply the direction it was found in: an Exo
   * change whose conflict Numerik wins writes Exo.
   */
  writes?: 'exo' | 'numerik' | 'both';
  /** A sample of each side's own text now (before), beside what each would hold. */
  now?: { exo: string | null; numerik: string | null };
}

/** create / update: something would be written; nothing: both sides already agree; unknown: a side could not be read. */
export type PreviewDecision = 'create' | 'update' | 'nothing' | 'skip' | 'park' | 'refuse' | 'unknown';

export const PREVIEW_DECISIONS: readonly PreviewDecision[] = ['create', 'update', 'nothing', 'skip', 'park', 'refuse', 'unknown'];

/** The first line of a text, cut for a table cell; null for no text. */
export function sample(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const first = text.split('\n').find((l) => l.trim()) ?? '';
  const more = text.includes('\n') ? ' …' : '';
  return first.length > 120 ? `${first.slice(0, 119)}…` : `${first}${more}`;
}
