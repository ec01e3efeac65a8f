import { withColumns, type Activity } from '../../db/exo/activities.js';
import type { PostLink } from '../../db/plugin/links/posts.js';
import { agreedState } from '../agreed.js';
import { inboundContext, outboundContext, type Lookups } from '../lookups.js';
import { contentOfPost, type Content, type ContentField } from '../mapping/content.js';
import { exoColumnsFor } from '../mapping/inbound.js';
import { activityContent } from '../mapping/outbound.js';
import type { Post } from '../numerik/types.js';
import { CONTENT_FIELDS } from './names.js';


export type ChosenSide = 'exo' | 'numerik';

const parse = (json: string | null): Content | undefined => (json ? (JSON.parse(json) as Content) : undefined);

/**
 * A person chose one side's value of these fields. The link's bases are moved so that the next
 * three-way merge (the normal converge path) sees exactly that choice: for Exo's side, as if both
 * last agreed on Numerik's current post and the Exo user then made the activity what it is (so an
 * Exo edit of the view, put over the post: what Exo cannot show survives); for Numerik's side, as
 * if both last agreed on Exo's current values and Numerik then changed them. Other fields keep
 * their bases, so their own pending changes merge as they would have.
 */
export function rebasedLink(link: PostLink, activity: Activity, post: Post, lookups: Lookups, side: ChosenSide, fields: readonly ContentField[]): PostLink {
  const ctx = outboundContext(activity, link, lookups);
  const numerikNow = contentOfPost(post);
  const exoNow = activityContent(activity, ctx, ctx.customerId ?? numerikNow.customer_id);
  const exoBase: Content = { ...(parse(link.exoContent) ?? numerikNow) };
  const numerikBase: Content = { ...(parse(link.numerikContent) ?? numerikNow) };
  const set = <K extends ContentField>(target: Content, f: K, value: Content[K]) => {
    target[f] = value;
  };
  if (side === 'exo') {
    // What the activity would be if Numerik's current post had just been written to it.
    const view = exoColumnsFor(CONTENT_FIELDS, post, activity, inboundContext(lookups));
    const postView = parse(agreedState('park' in view ? activity : withColumns(activity, view.columns), post, lookups).exoContent)!;
    for (const f of fields) {
      set(exoBase, f, postView[f]);
      set(numerikBase, f, numerikNow[f]);
    }
  } else {
    for (const f of fields) {
      set(exoBase, f, exoNow[f]);
      set(numerikBase, f, exoNow[f]);
    }
  }
  return { ...link, exoContent: JSON.stringify(exoBase), numerikContent: JSON.stringify(numerikBase) };
}
