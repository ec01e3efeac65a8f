import { OBJECTS } from '../../db/plugin/objects.js';
import type { Migration } from '../migration.js';

/**
 * What a send to Numerik will have both sides agree on once it lands, recorded before the PATCH
 * and cleared by the commit that follows it: when the worker dies in between, the next decision
 * finds its own send in the post (not a Numerik user's edit) and an Exo save since it still a change.
 */
export const postLinkSending: Migration = {
  name: '0008-post-link-sending',
  summary: 'X_NUMERIK_POST_LINK.SENDING: the agreement a send in flight would record (nullable)',
  up: (d) => [
    ...d.alterTable(OBJECTS.postLink, (t) => {
      t.text('SENDING').nullable();
    }),
  ],
  down: (d) => [d.dropColumn(OBJECTS.postLink, 'SENDING')],
};
