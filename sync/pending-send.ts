import type { CardRef } from '../db/plugin/conflict-cards.js';
import type { PostLink, PostLinkChange } from '../db/plugin/links/posts.js';
import { contentOfPost, hashContent, type Content } from './mapping/content.js';
import type { Post, PostPatch, SentPatch } from './numerik/types.js';

/** The agreement a link records once both sides hold the same (its version apart). */
export type Agreement = Required<Pick<PostLinkChange, 'exoHash' | 'exoContent' | 'exoAssignedTo' | 'numerikHash' | 'numerikContent'>>;

/** A send in flight (X_NUMERIK_POST_LINK.SENDING), recorded before its PATCH. */
interface PendingSend {
  /** The version the PATCH is made If-Match: the post's, when the send was decided. */
  version: number;
  /** The values Numerik holds once the PATCH lands, by field. */
  sent: Record<string, unknown>;
  /** What the commit after the PATCH would record (or, when Exo is saved meanwhile, the half of it that happened). */
  agreed: Agreement;
  /** The version the PATCH made, once it answered: landed, whatever Numerik users changed since. */
  landed?: number;
  /** The card of a conflict Exo won, written ahead of the PATCH as a new card. */
  card?: CardRef;
  /** The mark the PATCH sets as the post's external_ref (external-ref.ts sendMark), when it sets one. */
  mark?: string;
}

/** The SENDING of a PATCH made If-Match `version`, whose landing makes the link record `agreed`. */
export function pendingSend(version: number, patch: PostPatch, agreed: Agreement, also: Pick<PendingSend, 'card' | 'mark'> = {}): string {
  const sent = Object.fromEntries(Object.entries(patch).filter(([f]) => f !== 'body_html'));
  return JSON.stringify({ version, sent, agreed, ...also } satisfies PendingSend);
}

/** The PATCH as sent: the send's mark, when it sets one, rides with the synced fields. */
export const markedPatch = (patch: PostPatch, mark: string | undefined): SentPatch => (mark ? { ...patch, external_ref: mark } : patch);

/**
 * The card written ahead of the send recorded on `link`, once that send can no longer land: it
 * never answered, and another PATCH made If-Match the same version landed (`landedOn`), or the
 * post (as read before any PATCH of the reader's) moved past that version without the send's mark.
 * The Numerik lines its card keeps were then never overwritten.
 */
export function staleCardAhead(link: PostLink, post: Pick<Post, 'version' | 'external_ref'>, landedOn?: number): CardRef | undefined {
  if (!link.sending) return undefined;
  const pending = JSON.parse(link.sending) as PendingSend;
  if (pending.landed !== undefined || !pending.card) return undefined;
  const never = pending.version === landedOn || (pending.mark !== undefined && post.version > pending.version && post.external_ref !== pending.mark);
  return never ? pending.card : undefined;
}

/** The SENDING once its PATCH answered with the post at `version`. */
export function landedAt(sending: string, version: number): string {
  return JSON.stringify({ ...(JSON.parse(sending) as PendingSend), landed: version });
}

/** The link's Numerik side with `patch` applied: what Numerik holds once a PATCH made on that base lands. */
export function patchedBase(link: PostLink, patch: PostPatch): Pick<Agreement, 'numerikHash' | 'numerikContent'> {
  const base = JSON.parse(link.numerikContent ?? '{}') as Content;
  const content = { ...base, ...Object.fromEntries(Object.entries(patch).filter(([f]) => f !== 'body_html')) } as Content;
  return { numerikContent: JSON.stringify(content), numerikHash: hashContent(content) };
}

/**
 * The link as the next decision reads it. A send whose PATCH landed while its worker died before the
 * commit would else be taken for a Numerik user's edit: an Exo save since it would then count for
 * nothing, and the sent value come back over it. Its agreement is read instead when it landed:
 * - the PATCH answered (its worker recorded the version it made);
 * - or its worker died before it could say, and the post carries the send's mark: only that PATCH
 *   sets it, and Numerik users' edits since leave it;
 * - or, for a send that set no mark (the post's reference is not the sync's), the post is past the
 *   version the PATCH was made on and still holds every value it sent. Edited since, such a send
 *   reads as never landed.
 * Anything else leaves the link as it is.
 */
export function withLandedSend(link: PostLink, post: Post): PostLink {
  if (!link.sending) return link;
  const pending = JSON.parse(link.sending) as PendingSend;
  const now = contentOfPost(post) as unknown as Record<string, unknown>;
  const holds = () => Object.entries(pending.sent).every(([f, v]) => JSON.stringify(now[f] ?? null) === JSON.stringify(v ?? null));
  const landed =
    pending.landed !== undefined
      ? post.version >= pending.landed
      : post.version > pending.version && (pending.mark !== undefined ? post.external_ref === pending.mark : holds());
  return landed ? { ...link, ...pending.agreed } : link;
}
