import { randomBytes } from 'node:crypto';

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

/**
 * The post's external_ref as a link records it (X_NUMERIK_POST_LINK.POST_REF, 400 characters): ''
 * for none, as null there is "not known". Only whether it is the sync's is read from it, and no
 * reference of the sync's is that long, so a longer one is kept cut.
 */
export const refOf = (post: { external_ref: string | null }) => (post.external_ref ?? '').slice(0, 400);

/**
 * A send's mark, `exo-task:<key>:<token>`, set on the post by its PATCH when the post's reference is
 * the sync's to set (sendMarkable): the post carries it exactly when that PATCH landed, whatever
 * Numerik users edit since. Unlike a create's token it is recorded nowhere as an intent, so a post
 * showing it is never adopted: it names only the activity the post is already linked to.
 */
export const sendMark = (seqno: number) => externalRef(seqno, randomBytes(12).toString('base64url'));

/**
 * Whether a send may set its mark over the post's reference as recorded (refOf; null: not known):
 * none, or the sync's own for this activity (a create's token or an earlier send's mark). Any other
 * text is a Numerik user's or another integration's, and is left as it is.
 */
export const sendMarkable = (seqno: number, ref: string | null) => ref === '' || claimOf(ref)?.seqno === seqno;
