import type { ContentField, Side } from './content.js';

/**
 * Who owns a field of a linked activity and its post (the `fieldOwnership` setting): both sides
 * (`two-way`, the default), one side whose changes go to the other and never come back
 * (`exo-to-numerik`, `numerik-to-exo`), or neither (`none`: each side keeps its own). A mask over
 * what each direction may change, applied where the sync decides (the three-way merge, the text
 * put and get), so live sync, `preview` and shadow mode honour it alike. A new record is made
 * whole: ownership governs the changes after that.
 */
export const OWNERSHIPS = ['two-way', 'exo-to-numerik', 'numerik-to-exo', 'none'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];
export type FieldOwnership = Partial<Record<ContentField, Ownership>>;

const CARRIED_FROM: Record<Ownership, readonly Side[]> = {
  'two-way': ['exo', 'numerik'],
  'exo-to-numerik': ['exo'],
  'numerik-to-exo': ['numerik'],
  none: [],
};

export const ownershipOf = (ownership: FieldOwnership | undefined, field: ContentField): Ownership => ownership?.[field] ?? 'two-way';

/** Whether a change of `field` made on side `from` is carried to the other side. */
export function carries(ownership: FieldOwnership | undefined, field: ContentField, from: Side): boolean {
  return CARRIED_FROM[ownershipOf(ownership, field)].includes(from);
}

/** A field's ownership as the record page says it; two-way, the default, goes unsaid. */
export const OWNERSHIP_WORDS: Record<Ownership, string> = {
  'two-way': '',
  'exo-to-numerik': 'Exo → Numerik only',
  'numerik-to-exo': 'Numerik → Exo only',
  none: 'not synced',
};
