import { assigneeLens } from './assignee.js';
import { completionLens } from './completion.js';
import { customerLens } from './customer.js';
import { datesLens } from './dates.js';
import type { FieldLens } from './field-lens.js';
import { textLens } from './text.js';
import { typeTagLens } from './type-tag.js';

/** Every field pair of an activity and its post; the customer first, since an unlinked one parks. */
export const FIELD_LENSES: readonly FieldLens[] = [customerLens, textLens, assigneeLens, datesLens, completionLens, typeTagLens];
