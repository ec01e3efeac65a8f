import type { Activity } from '../../db/exo/activities.js';
import type { PostLink } from '../../db/plugin/links/posts.js';
import { textPut, type TextPut } from '../lens/activity-text.js';
import { linkState, outboundContext, type Lookups } from '../lookups.js';
import { conflictWinner } from '../mapping/conflict.js';
import { cardContext, type CardEdit } from '../mapping/conflict-card.js';
import { contentOfPost, threeWay, type Content, type ContentField, type ThreeWay } from '../mapping/content.js';
import { activityContent } from '../mapping/outbound.js';
import { carries } from '../mapping/ownership.js';
import { wallClockToInstant } from '../mapping/time.js';
import type { Post } from '../numerik/types.js';

/** What a converge of a linked pair decides, before anything is sent or written. */
export interface Decision {
  ctx: ReturnType<typeof outboundContext>;
  exoNow: Content;
  numerikNow: Content;
  /** What each side looked like when both last agreed. */
  bases: { exo: Content; numerik: Content };
  winner: ReturnType<typeof conflictWinner>;
  merge: ThreeWay;
  /** Exo's edit of the view, merged line by line into Numerik's text as it is now. */
  text?: TextPut;
  /** The post's new text, when it changes. */
  newText?: string;
  conflicts: ContentField[];
  /** Fields Numerik is sent (the text among them when it changes). */
  toNumerik: ContentField[];
  /** The conflict card's content, when there is a conflict: both versions of each field (of the text: the lines both changed). */
  card?: { policy: string; winner: 'exo' | 'numerik'; fields: ContentField[]; exo: Record<string, unknown>; numerik: Record<string, unknown>; subject: string | null; edits: Record<'exo' | 'numerik', CardEdit> };
}

/**
 * The three-way decision of one linked activity and its post, from what was read: a pure function,
 * the same for the workers, `preview` and shadow mode (they differ only in what they then do).
 */
export function decide(activity: Activity, link: PostLink, post: Post, lookups: Lookups): Decision {
  const state = linkState(link)!;
  const ctx = outboundContext(activity, link, lookups);
  const exoNow = activityContent(activity, ctx, ctx.customerId ?? state.exoBase?.customer_id ?? post.customer_id);
  const numerikNow = contentOfPost(post);
  // A link without bases (never expected) counts Numerik as the base: Exo's differences win.
  const bases = { exo: state.exoBase ?? numerikNow, numerik: state.numerikBase ?? numerikNow };
  const { options } = lookups;
  const winner = conflictWinner(options.conflictPolicy, wallClockToInstant(activity.modifiedAt ?? activity.createdAt, options.timeZone), post.updated_at);
  const ownership = options.fieldOwnership;
  const merge = threeWay(bases, { exo: exoNow, numerik: numerikNow }, winner, ownership);
  // The text goes to Numerik only when Exo's edits of it are carried; Numerik's edits reach Exo
  // (the text's get) only when they are (mapping/inbound.ts). A one-way text's lines are its owner's.
  const textTwoWay = carries(ownership, 'body_text', 'numerik');
  const sendsText = exoNow.body_text !== bases.exo.body_text && carries(ownership, 'body_text', 'exo');
  const text = sendsText ? textPut(exoNow.body_text, bases.exo.body_text, bases.numerik.body_text, numerikNow.body_text, textTwoWay ? winner : 'exo', ctx) : undefined;
  const newText = text && text.text !== numerikNow.body_text ? text.text : undefined;
  const conflicts: ContentField[] = [...merge.conflicts, ...(text?.conflicts.length && textTwoWay ? ['body_text' as const] : [])];
  const lines = (side: 'exo' | 'numerik') => (text?.conflicts ?? []).map((c) => c[side]).join('\n…\n');
  const versions = (side: 'exo' | 'numerik', content: Content) => Object.fromEntries(conflicts.map((f) => [f, f === 'body_text' ? lines(side) : content[f]]));
  const card = conflicts.length ? { policy: options.conflictPolicy, winner, fields: conflicts, exo: versions('exo', exoNow), numerik: versions('numerik', numerikNow), ...cardContext(activity, post, lookups) } : undefined;
  const toNumerik = [...merge.toNumerik, ...(newText === undefined ? [] : ['body_text' as const])];
  return { ctx, exoNow, numerikNow, bases, winner, merge, text, newText, conflicts, toNumerik, card };
}
