import type { Migration } from '../migration.js';
import { pluginTables } from './0001-plugin-tables.js';
import { changeCapture } from './0002-change-capture.js';
import { folderField } from './0003-folder-field.js';
import { createIntents } from './0004-create-intents.js';
import { recordFields } from './0005-record-fields.js';
import { bulkCapture } from './0006-bulk-capture.js';
import { createIntentContent } from './0007-create-intent-content.js';
import { postLinkSending } from './0008-post-link-sending.js';
import { postLinkRef } from './0009-post-link-ref.js';

/**
 * Every migration, in the order it is applied. A migration is frozen once released: each spells out
 * its own tables instead of sharing helpers a later edit could change under it (the drift check
 * would report such a change as "statements changed after it was applied").
 */
export const MIGRATIONS: readonly Migration[] = [pluginTables, changeCapture, folderField, createIntents, recordFields, bulkCapture, createIntentContent, postLinkSending, postLinkRef];
