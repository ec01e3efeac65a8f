import type { Edit, FinalState } from '../../test/support/torture/history.js';
import { tokensIn } from '../../test/support/torture/tokens.js';
import type { Linked } from './watch.js';

export interface LostEdit {
  edit: Edit;
  inExo: boolean;
  inNumerik: boolean;
}

/** Edits whose token is not in both its activity's DETAILS and its post's text at rest. */
export function lostEdits(history: readonly Edit[], final: FinalState, records: readonly Linked[]): LostEdit[] {
  const bySeqno = new Map(records.map((r) => [r.seqno, r]));
  const byPost = new Map(records.map((r) => [r.postId, r]));
  const exo = new Map(final.activities.map((a) => [a.seqno, tokensIn(a.details)]));
  const numerik = new Map(final.posts.map((p) => [p.id, tokensIn(p.bodyText)]));
  return history.flatMap((edit) => {
    if (edit.failed) return [];
    const record = edit.target.side === 'exo' ? bySeqno.get(edit.target.seqno) : byPost.get(edit.target.postId);
    const inExo = !!record && !!exo.get(record.seqno)?.has(edit.token);
    const inNumerik = !!record && !!numerik.get(record.postId)?.has(edit.token);
    return inExo && inNumerik ? [] : [{ edit, inExo, inNumerik }];
  });
}

/** The conflict cards whose recorded sides hold `token`. */
export function keptBy(final: FinalState, token: string): number[] {
  return final.conflicts.filter((c) => tokensIn(`${JSON.stringify(c.exo)}\n${JSON.stringify(c.numerik)}`).has(token)).map((c) => c.id);
}
