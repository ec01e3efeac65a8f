import { OBJECTS } from '../../db/plugin/objects.js';
import type { Migration } from '../migration.js';

/**
 * What the sync created a post with, recorded with the create's token: when the create's answer is
 * lost and the post is found later, possibly edited in Numerik meanwhile, this is what both sides
 * agreed on, the base of the merge that links them (without it, Exo's state would replace every
 * Numerik edit made since the create).
 */
export const createIntentContent: Migration = {
  name: '0007-create-intent-content',
  summary: 'X_NUMERIK_CREATE_INTENT.CONTENT: the content each post is created with (nullable)',
  up: (d) => [
    ...d.alterTable(OBJECTS.createIntent, (t) => {
      t.text('CONTENT').nullable();
    }),
  ],
  down: (d) => [d.dropColumn(OBJECTS.createIntent, 'CONTENT')],
};
