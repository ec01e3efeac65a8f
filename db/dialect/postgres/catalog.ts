import type { CatalogObject, ColumnInfo, TriggerInfo } from '../dialect.js';
import type { CatalogPart, DialectNames } from '../parts.js';
import { rowsOf } from './rows.js';

export function postgresCatalog({ schema, qualified }: DialectNames): CatalogPart {
  return {
    async codePage() {
      return 'cp1252';
    },

    async tableExists(db, table) {
      const result = await db.raw('SELECT to_regclass(?) AS id', [qualified(table)]);
      return rowsOf<{ id: string | null }>(result)[0]?.id != null;
    },

    async columns(db, table) {
      const result = await db.raw(
        `SELECT column_name AS name, data_type AS type, character_maximum_length AS len, is_nullable AS nullable
           FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`,
        [schema, table],
      );
      return rowsOf<{ name: string; type: string; len: number | null; nullable: string }>(result).map(
        (r): ColumnInfo => ({ name: r.name, type: r.len ? `${r.type}(${r.len})` : r.type, nullable: r.nullable === 'YES' }),
      );
    },

    async triggers(db, table) {
      const result = await db.raw(
        `SELECT t.tgname AS name, t.tgenabled AS enabled
           FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE NOT t.tgisinternal AND n.nspname = ? AND c.relname = ?`,
        [schema, table],
      );
      return rowsOf<{ name: string; enabled: string }>(result).map(
        (r): TriggerInfo => ({ name: r.name, table, enabled: r.enabled !== 'D' }),
      );
    },

    async serverTime(db) {
      const [r] = rowsOf<{ now: Date }>(await db.raw('SELECT now() AS now'));
      return new Date(r!.now);
    },

    async catalog(db) {
      const objects: CatalogObject[] = [];
      const cols = rowsOf<{ tbl: string; col: string; type: string; len: number | null; nullable: string; dflt: string | null; ident: string }>(
        await db.raw(
          `SELECT c.table_name AS tbl, c.column_name AS col, c.data_type AS type, c.character_maximum_length AS len,
                  c.is_nullable AS nullable, c.column_default AS dflt, c.is_identity AS ident
             FROM information_schema.columns c JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = ?`,
          [schema],
        ),
      );
      for (const r of cols) {
        objects.push({
          kind: 'column',
          table: r.tbl,
          name: r.col,
          detail: `${r.len ? `${r.type}(${r.len})` : r.type}${r.nullable === 'YES' ? '' : ' not null'}${r.ident === 'YES' ? ' identity' : ''}${r.dflt ? ' default ' + r.dflt : ''}`,
        });
      }
      for (const tbl of new Set(cols.map((c) => c.tbl))) objects.push({ kind: 'table', name: tbl, detail: '' });
      const idx = rowsOf<{ tbl: string; idx: string; def: string }>(
        await db.raw(`SELECT tablename AS tbl, indexname AS idx, indexdef AS def FROM pg_indexes WHERE schemaname = ?`, [schema]),
      );
      for (const r of idx) objects.push({ kind: 'index', table: r.tbl, name: r.idx, detail: r.def });
      const seqs = rowsOf<{ name: string }>(
        await db.raw(`SELECT sequence_name AS name FROM information_schema.sequences WHERE sequence_schema = ?`, [schema]),
      );
      for (const s of seqs) objects.push({ kind: 'sequence', name: s.name, detail: '' });
      const trgs = rowsOf<{ name: string; tbl: string; enabled: string; def: string }>(
        await db.raw(
          `SELECT t.tgname AS name, c.relname AS tbl, t.tgenabled AS enabled, pg_get_triggerdef(t.oid) AS def
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND n.nspname = ?`,
          [schema],
        ),
      );
      for (const t of trgs) objects.push({ kind: 'trigger', table: t.tbl, name: t.name, detail: `${t.enabled === 'D' ? 'disabled' : 'enabled'} ${t.def}` });
      const fns = rowsOf<{ name: string; src: string }>(
        await db.raw(
          `SELECT p.proname AS name, p.prosrc AS src FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?`,
          [schema],
        ),
      );
      for (const f of fns) objects.push({ kind: 'function', name: f.name, detail: f.src });
      return objects;
    },
  };
}
