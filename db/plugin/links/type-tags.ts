import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

export interface TypeTag {
  typeSeqno: number;
  tagName: string;
  tagId: string | null;
  /** name: the same name; map: typeTagMap; manual: an operator's override (never replaced by a refresh). */
  source: 'name' | 'map' | 'manual';
}

export async function readTypeTags(db: Db): Promise<TypeTag[]> {
  const rows: { TYPE_SEQNO: number; TAG_NAME: string; TAG_ID: string | null; SOURCE: TypeTag['source'] }[] = await db
    .table(OBJECTS.typeTag)
    .select('TYPE_SEQNO', 'TAG_NAME', 'TAG_ID', 'SOURCE');
  return rows.map((r) => ({ typeSeqno: r.TYPE_SEQNO, tagName: r.TAG_NAME, tagId: r.TAG_ID, source: r.SOURCE }));
}

/** The rows once these automatic ones are merged in: an operator's overrides stay. Pure. */
export function mergeTypeTags(manual: readonly TypeTag[], tags: readonly TypeTag[]): TypeTag[] {
  const overridden = new Set(manual.map((m) => m.typeSeqno));
  return [...manual, ...tags.filter((tag) => !overridden.has(tag.typeSeqno))];
}

/** Makes the automatic type ⇄ tag rows these; an operator's overrides stay. */
export async function replaceTypeTags(db: Db, tags: readonly TypeTag[]): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const t = () => trx(`${db.target.schema}.${OBJECTS.typeTag}`);
    await t().whereNot({ SOURCE: 'manual' }).del();
    const manual = ((await t().select('TYPE_SEQNO')) as { TYPE_SEQNO: number }[]).map((r) => ({ typeSeqno: r.TYPE_SEQNO, tagName: '', tagId: null, source: 'manual' as const }));
    const rows = mergeTypeTags(manual, tags).filter((tag) => tag.source !== 'manual').map((tag) => ({ TYPE_SEQNO: tag.typeSeqno, TAG_NAME: tag.tagName, TAG_ID: tag.tagId, SOURCE: tag.source, UPDATED_AT: new Date() }));
    for (let i = 0; i < rows.length; i += 300) await t().insert(rows.slice(i, i + 300));
  });
}

/** An operator's override: this activity type is sent as this tag, whatever typeTagMap or the names say. */
export async function setManualTypeTag(db: Db, tag: Omit<TypeTag, 'source'>): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const t = () => trx(`${db.target.schema}.${OBJECTS.typeTag}`);
    await t().where({ TYPE_SEQNO: tag.typeSeqno }).del();
    await t().insert({ TYPE_SEQNO: tag.typeSeqno, TAG_NAME: tag.tagName, TAG_ID: tag.tagId, SOURCE: 'manual', UPDATED_AT: new Date() });
  });
}

/** Removes an override; the next reference refresh maps the type by typeTagMap or its name again. */
export async function clearManualTypeTag(db: Db, typeSeqno: number): Promise<boolean> {
  return (await db.table(OBJECTS.typeTag).where({ TYPE_SEQNO: typeSeqno, SOURCE: 'manual' }).del()) > 0;
}
