import type { SyncStatus } from '../sync/status/status.js';

/**
 * The status as anyone on this machine may read it: counts and states, never an activity's or a
 * post's text, names or addresses (a conflict's versions, a dead letter's reason, which may quote
 * Numerik's answer). Item keys stay, so an operator with the token knows what to look at.
 */
export function statusWithoutText(status: SyncStatus): SyncStatus & { textHidden: true } {
  return {
    ...status,
    textHidden: true,
    dead: { total: status.dead.total, items: status.dead.items.map((d) => ({ ...d, reason: '' })) },
    shadow: { ...status.shadow, items: status.shadow.items.map((d) => ({ ...d, reason: '' })) },
    conflicts: {
      total: status.conflicts.total,
      // Who edited, and who chose, are names: only whether a field was chosen stays.
      items: status.conflicts.items.map((c) => ({
        ...c,
        subject: null,
        edits: null,
        fields: c.fields.map((f) => ({ field: f.field, exo: null, numerik: null, chosen: f.chosen && { side: f.chosen.side, at: f.chosen.at, by: '', did: '' }, now: null })),
      })),
    },
    outbound: { ...status.outbound, errors: status.outbound.errors.map((e) => ({ ...e, error: '' })) },
    inbound: { ...status.inbound, errors: status.inbound.errors.map((e) => ({ ...e, error: '' })) },
  };
}
