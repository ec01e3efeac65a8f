/**
 * The external_ref of a post the sync creates names the activity and carries the token recorded
 * for that create (X_NUMERIK_CREATE_INTENT): `exo-task:<key>:<token>`. Anything else, including a
 * bare `exo-task:<key>` that any Numerik user can type, is plain text.
 */
export const externalRef = (seqno: number, token: string) => `exo-task:${seqno}:${token}`;

/** Deterministic per intent, so a create retried at any time (or by another worker) is the same create. */
export const createKey = (seqno: number, token: string) => `exo-numerik-create-${seqno}-${token}`;

/** The activity a post's external_ref claims, and the token it shows for it (null: none). */
export function claimOf(ref: string | null | undefined): { seqno: number; token: string | null } | undefined {
  const m = /^exo-task:(\d{1,10})(?::([A-Za-z0-9_-]{1,64}))?$/.exec(ref ?? '');
  if (!m) return undefined;
  const seqno = Number(m[1]);
  return Number.isSafeInteger(seqno) && seqno <= 2_147_483_647 ? { seqno, token: m[2] ?? null } : undefined;
}
