import type { CatalogObject, ColumnInfo, TriggerInfo } from '../dialect.js';
import type { CatalogPart, DialectNames } from '../parts.js';

export function mssqlCatalog({ schema }: DialectNames): CatalogPart {
  return {
    async codePage(db) {
      const rows = (await db.raw(
        `SELECT CAST(COLLATIONPROPERTY(c.collation_name, 'CodePage') AS int) AS cp FROM sys.columns c WHERE c.object_id = OBJECT_ID(?) AND c.name = 'DETAILS'`,
        [`${schema}.TASKS`],
      )) as { cp: number | null }[];
      const cp = rows[0]?.cp ?? 1252;
      // 0: a Unicode-only collation; 65001: a UTF-8 collation (SQL Server 2019+).
      return cp === 0 || cp === 65001 ? 'utf-8' : `cp${cp}`;
    },

    async tableExists(db, table) {
      const rows = (await db.raw('SELECT OBJECT_ID(?, ?) AS id', [`${schema}.${table}`, 'U'])) as { id: number | null }[];
      return rows[0]?.id != null;
    },

    async columns(db, table) {
      const rows = (await db.raw(
        `SELECT c.name AS name, t.name AS type, c.max_length AS max_length, c.is_nullable AS nullable
           FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
          WHERE c.object_id = OBJECT_ID(?) ORDER BY c.column_id`,
        [`${schema}.${table}`],
      )) as { name: string; type: string; max_length: number; nullable: boolean }[];
      return rows.map((r): ColumnInfo => ({ name: r.name, type: mssqlType(r.type, r.max_length), nullable: !!r.nullable }));
    },

    async triggers(db, table) {
      const rows = (await db.raw(
        `SELECT tr.name AS name, tr.is_disabled AS disabled FROM sys.triggers tr WHERE tr.parent_id = OBJECT_ID(?)`,
        [`${schema}.${table}`],
      )) as { name: string; disabled: boolean }[];
      return rows.map((r): TriggerInfo => ({ name: r.name, table, enabled: !r.disabled }));
    },

    async serverTime(db) {
      const [r] = (await db.raw('SELECT SYSUTCDATETIME() AS now')) as { now: Date }[];
      return new Date(r!.now);
    },

    async catalog(db) {
      const objects: CatalogObject[] = [];
      const cols = (await db.raw(
        `SELECT o.name AS tbl, c.name AS col, t.name AS type, c.max_length AS max_length, c.is_nullable AS nullable,
                c.is_identity AS ident, d.definition AS dflt
           FROM sys.tables o JOIN sys.columns c ON c.object_id = o.object_id
           JOIN sys.types t ON t.user_type_id = c.user_type_id
           LEFT JOIN sys.default_constraints d ON d.object_id = c.default_object_id
          WHERE o.schema_id = SCHEMA_ID(?)`,
        [schema],
      )) as { tbl: string; col: string; type: string; max_length: number; nullable: boolean; ident: boolean; dflt: string | null }[];
      for (const r of cols) {
        objects.push({
          kind: 'column',
          table: r.tbl,
          name: r.col,
          detail: `${mssqlType(r.type, r.max_length)}${r.nullable ? '' : ' not null'}${r.ident ? ' identity' : ''}${r.dflt ? ' default ' + r.dflt : ''}`,
        });
      }
      for (const tbl of new Set(cols.map((c) => c.tbl))) objects.push({ kind: 'table', name: tbl, detail: '' });
      const idx = (await db.raw(
        `SELECT o.name AS tbl, i.name AS idx, i.is_unique AS uniq, i.filter_definition AS filt, c.name AS col, ic.key_ordinal AS ord
           FROM sys.indexes i JOIN sys.tables o ON o.object_id = i.object_id
           JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
           JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
          WHERE o.schema_id = SCHEMA_ID(?) AND i.name IS NOT NULL`,
        [schema],
      )) as { tbl: string; idx: string; uniq: boolean; filt: string | null; col: string; ord: number }[];
      const byIndex = new Map<string, typeof idx>();
      for (const r of idx) byIndex.set(`${r.tbl}.${r.idx}`, [...(byIndex.get(`${r.tbl}.${r.idx}`) ?? []), r]);
      for (const rows of byIndex.values()) {
        const first = rows[0]!;
        const colsList = rows.sort((a, b) => a.ord - b.ord).map((r) => r.col).join(',');
        objects.push({ kind: 'index', table: first.tbl, name: first.idx, detail: `${first.uniq ? 'unique ' : ''}(${colsList})${first.filt ? ' where ' + first.filt : ''}` });
      }
      const seqs = (await db.raw(`SELECT name FROM sys.sequences WHERE schema_id = SCHEMA_ID(?)`, [schema])) as { name: string }[];
      for (const s of seqs) objects.push({ kind: 'sequence', name: s.name, detail: '' });
      const trgs = (await db.raw(
        `SELECT tr.name AS name, o.name AS tbl, tr.is_disabled AS disabled, OBJECT_DEFINITION(tr.object_id) AS def
           FROM sys.triggers tr JOIN sys.tables o ON o.object_id = tr.parent_id WHERE o.schema_id = SCHEMA_ID(?)`,
        [schema],
      )) as { name: string; tbl: string; disabled: boolean; def: string | null }[];
      for (const t of trgs) objects.push({ kind: 'trigger', table: t.tbl, name: t.name, detail: `${t.disabled ? 'disabled' : 'enabled'} ${t.def ?? ''}` });
      return objects;
    },
  };
}

function mssqlType(type: string, maxLength: number): string {
  if (['varchar', 'char', 'varbinary', 'binary'].includes(type)) return `${type}(${maxLength === -1 ? 'max' : maxLength})`;
  if (['nvarchar', 'nchar'].includes(type)) return `${type}(${maxLength === -1 ? 'max' : maxLength / 2})`;
  return type;
}
