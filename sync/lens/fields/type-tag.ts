import { normaliseTags } from '../../mapping/content.js';
import type { FieldLens } from './field-lens.js';

/**
 * The activity type ⇄ the post's tag of that type (X_NUMERIK_TYPE_TAG): the first tag that maps
 * to a type sets it. The activity owns only the tag of its type; Numerik's other tags are kept.
 */
export const typeTagLens: FieldLens = {
  fields: ['tags'],
  get(post, ctx, out) {
    out.columns.TYPE = ctx.typeOfTags(post.tags) ?? ctx.defaultType;
  },
  put(activity, ctx) {
    const tag = ctx.tagOf(activity.type);
    const numerikTags = (ctx.link?.numerikBase?.tags ?? []).filter((t) => !ctx.typeTags.has(t.toLowerCase()));
    return { tags: normaliseTags(tag ? [tag, ...numerikTags] : numerikTags) };
  },
};
