import { OBJECTS } from '../../db/plugin/objects.js';
import type { Migration } from '../migration.js';

/**
 * The post's external_ref as Numerik last gave it. A send sets it to a mark of its own when it is
 * the sync's to set (empty, or naming this activity), so that a send whose worker died while its
 * PATCH was in flight is known to have landed from the post alone, whatever Numerik users edit since.
 */
export const postLinkRef: Migration = {
  name: '0009-post-link-ref',
  summary: "X_NUMERIK_POST_LINK.POST_REF: the post's external_ref as Numerik last gave it (nullable: not known yet)",
  up: (d) => [d.addColumn(OBJECTS.postLink, 'POST_REF', d.exoType('NVARCHAR(400)'))],
  down: (d) => [d.dropColumn(OBJECTS.postLink, 'POST_REF')],
};
