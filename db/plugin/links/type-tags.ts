import type { Db } from '../../connect.js';
import { OBJECTS } from '../objects.js';

export interface TypeTag {
  typeSeqno: number;
  tagName: string;
  tagId: string | null;
  source: 'name' | 'map';
}

export async function readTypeTags(db: Db): Promise<TypeTag[]> {
  const rows: { TYPE_SEQNO: number; TAG_NAME: string; TAG_ID: string | null; SOURCE: TypeTag['source'] }[] = await db
    .table(OBJECTS.typeTag)
    .select('TYPE_SEQNO', 'TAG_NAME', 'TAG_ID', 'SOURCE');
  return rows.map((r) => ({ typeSeqno: r.TYPE_SEQNO, tagName: r.TAG_NAME, tagId: r.TAG_ID, source: r.SOURCE }));
}

export async function replaceTypeTags(db: Db, tags: readonly TypeTag[]): Promise<void> {
  await db.knex.transaction(async (trx) => {
    const t = () => trx(`${db.target.schema}.${OBJECTS.typeTag}`);
    await t().del();
    const rows = tags.map((tag) => ({ TYPE_SEQNO: tag.typeSeqno, TAG_NAME: tag.tagName, TAG_ID: tag.tagId, SOURCE: tag.source, UPDATED_AT: new Date() }));
    for (let i = 0; i < rows.length; i += 300) await t().insert(rows.slice(i, i + 300));
  });
}
