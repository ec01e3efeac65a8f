import type { ClaimLane } from '../../dialect/dialect.js';

/**
 * A queue row's OPERATION when a backfill queued it: history, not an Exo statement. Nothing sends
 * by OPERATION (a send reads the activity as it is now), so it is free to say which lane the row is
 * in; the capture trigger writes I, U or D as before and does no more work for it.
 */
export const HISTORY_OPERATION = 'H';

/** Live changes and backfilled history are claimed apart, so a long backfill never holds up a live edit. */
export type QueueLane = 'live' | 'history';

export const QUEUE_LANES: readonly QueueLane[] = ['live', 'history'];

/** The claim's condition for `lane`'s rows. */
export function laneOf(lane: QueueLane): ClaimLane {
  return { column: 'OPERATION', value: HISTORY_OPERATION, not: lane === 'live' };
}
