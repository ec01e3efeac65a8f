import type { Post, PostType } from '../numerik/types.js';
import { contentHash } from './hash.js';
import { carries, type FieldOwnership } from './ownership.js';

/**
 * What the two sides sync, in Numerik's terms: an activity and its post agree when their contents
 * are equal. The link keeps the content both sides last agreed on; each side's changes are the
 * fields that differ from it (a three-way merge).
 */
export interface Content {
  type: PostType;
  customer_id: string;
  body_text: string;
  /** Tasks only. */
  assignee_id?: string | null;
  due_at?: string | null;
  /** Notes only. */
  follow_up_date?: string | null;
  completed: boolean;
  completed_at: string | null;
  /** Sorted; the activity owns the tag of its type, the others belong to Numerik. */
  tags: string[];
}

export type ContentField = Exclude<keyof Content, 'type'>;

const FIELDS: ContentField[] = ['customer_id', 'body_text', 'assignee_id', 'due_at', 'follow_up_date', 'completed', 'completed_at', 'tags'];

/** Instants compare to the second: Exo's DATETIME keeps 1/300 s, Numerik milliseconds. */
export function instantKey(value: string | Date | null | undefined): string | null {
  if (!value) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

export function normaliseTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const t of tags) if (t.trim() && !seen.has(t.trim().toLowerCase())) seen.set(t.trim().toLowerCase(), t.trim());
  return [...seen.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}

export function contentOfPost(post: Post): Content {
  return {
    type: post.type,
    customer_id: post.customer_id,
    body_text: post.body_text,
    ...(post.type === 'task' ? { assignee_id: post.assignee_id, due_at: instantKey(post.due_at) } : { follow_up_date: post.follow_up_date }),
    completed: post.completed,
    completed_at: post.completed ? instantKey(post.completed_at) : null,
    tags: normaliseTags(post.tags),
  };
}

export function hashContent(content: Content): string {
  return contentHash(content);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The fields in which `content` differs from `base`. */
export function changedFields(content: Content, base: Content): ContentField[] {
  return FIELDS.filter((f) => !same(content[f], base[f]));
}

export type Side = 'exo' | 'numerik';

export interface ThreeWay {
  /** Fields to send to Numerik (Exo changed them, or won their conflict). */
  toNumerik: ContentField[];
  /** Fields to write to Exo (Numerik changed them, or won their conflict). */
  toExo: ContentField[];
  /** Fields both sides changed since they last agreed, to different values. */
  conflicts: ContentField[];
}

/** The post's text is merged line by line by the text lens (sync/lens), not as one value. */
const WHOLE_FIELDS = FIELDS.filter((f) => f !== 'body_text');

/**
 * Compares each side with what it looked like when the two last agreed (a base per side, since a
 * field can look different on the two sides, e.g. an assignee Exo has no staff member for). A field
 * changed on one side goes to the other; changed on both to equal values is no conflict; changed on
 * both to different values is a conflict, which `winner` decides. Every field but the text.
 * A side's change of a field it does not own (`ownership`) counts as none: it is never carried,
 * so a one-way field has no conflicts and its owner's change always goes across.
 */
export function threeWay(bases: { exo: Content; numerik: Content }, now: { exo: Content; numerik: Content }, winner: Side, ownership?: FieldOwnership): ThreeWay {
  const result: ThreeWay = { toNumerik: [], toExo: [], conflicts: [] };
  for (const f of WHOLE_FIELDS) {
    const exoChanged = carries(ownership, f, 'exo') && !same(now.exo[f], bases.exo[f]);
    const numerikChanged = carries(ownership, f, 'numerik') && !same(now.numerik[f], bases.numerik[f]);
    if (exoChanged && numerikChanged) {
      if (same(now.exo[f], now.numerik[f])) continue;
      result.conflicts.push(f);
      result[winner === 'exo' ? 'toNumerik' : 'toExo'].push(f);
    } else if (exoChanged) result.toNumerik.push(f);
    else if (numerikChanged) result.toExo.push(f);
  }
  return result;
}
