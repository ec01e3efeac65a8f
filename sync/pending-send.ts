import type { CardRef } from '../db/plugin/conflict-cards.js';
import type { PostLink, PostLinkChange } from '../db/plugin/links/posts.js';
import { contentOfPost, hashContent, type Content } from './mapping/content.js';
import type { Post, PostPatch } from './numerik/types.js';

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
}

/** The SENDING of a PATCH made If-Match `version`, whose landing makes the link record `agreed`. */
export function pendingSend(version: number, patch: PostPatch, agreed: Agreement, card?: CardRef): string {
  const sent = Object.fromEntries(Object.entries(patch).filter(([f]) => f !== 'body_html'));
  return JSON.stringify({ version, sent, agreed, ...(card ? { card } : {}) } satisfies PendingSend);
}

/**
 * The card written ahead of the send recorded on `link`, once another PATCH made If-Match
 * `version` has landed: when that send was made If-Match the same version and never answered, it
 * can no longer land, and the Numerik lines its card keeps were never overwritten.
 */
export function staleCardAhead(link: PostLink, version: number): CardRef | undefined {
  if (!link.sending) return undefined;
  const pending = JSON.parse(link.sending) as PendingSend;
  return pending.version === version && pending.landed === undefined ? pending.card : undefined;
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
 * nothing, and the sent value come back over it. Its agreement is read instead, when the PATCH is
 * known to have answered, or the post is past the version it was made on and holds every value it
 * sent (the worker died before it could say); anything else leaves the link as it is.
 */
export function withLandedSend(link: PostLink, post: Post): PostLink {
  if (!link.sending) return link;
  const pending = JSON.parse(link.sending) as PendingSend;
  const now = contentOfPost(post) as unknown as Record<string, unknown>;
  const holds = () => Object.entries(pending.sent).every(([f, v]) => JSON.stringify(now[f] ?? null) === JSON.stringify(v ?? null));
  const landed = pending.landed !== undefined ? post.version >= pending.landed : post.version > pending.version && holds();
  return landed ? { ...link, ...pending.agreed } : link;
}
