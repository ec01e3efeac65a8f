import type { Db } from '../db/connect.js';
import type { MappingChange, MappingKind, MappingResult, MappingView } from '../sync/mappings.js';
import type { NumerikClient } from '../sync/numerik/client.js';
import type { SyncOptionsInput } from '../sync/options.js';
import { optionsSource } from '../sync/options-source.js';
import type { RecordAction } from '../sync/record/names.js';
import type { ChosenSide } from '../sync/record/rebase.js';
import type { RecordKey, RecordView } from '../sync/record/record-view.js';
import type { ContentField } from '../sync/mapping/content.js';
import type { SettingView } from '../sync/settings.js';
import type { PreviewItem } from '../sync/preview/item.js';
import type { PreviewOptions, PreviewSummary } from '../sync/preview/preview.js';
import type { SyncStatus } from '../sync/status/status.js';
import type { Unmapped } from '../sync/unmapped.js';

export type RetrySelection = { all: true } | { ids: number[] };

/**
 * What an operator can see and do, whether from the terminal (straight on the database) or through
 * the running service's API (the status page; the embedded database, which one process owns).
 * Every change names who made it (`by`), and is logged with that name.
 */
export interface Operations {
  status(): Promise<SyncStatus>;
  /** Dead letters back to work; returns the entries retried. */
  retry(selection: RetrySelection): Promise<number[]>;
  settings(): Promise<SettingView[]>;
  setSetting(key: string, value: unknown, by: string): Promise<SettingView>;
  record(key: RecordKey): Promise<RecordView>;
  search(text: string): Promise<{ key: RecordKey; label: string }[]>;
  act(key: RecordKey, action: RecordAction, by: string): Promise<{ message: string }>;
  choose(conflictId: number, field: ContentField | 'all', side: ChosenSide, by: string): Promise<{ message: string }>;
  mappings(kind?: MappingKind): Promise<MappingView[]>;
  /**
   * What is not mapped, why, and the command that fixes each; parked items with the mapping each
   * waits for. `askNumerik` false: only what the database knows (a page never waits on Numerik).
   */
  unmapped(kind?: MappingKind, askNumerik?: boolean): Promise<Unmapped>;
  changeMapping(change: MappingChange): Promise<MappingResult>;
  /** What the sync would do, item by item, streamed to `emit`; writes nothing. */
  preview(o: PreviewOptions, emit: (item: PreviewItem) => void | Promise<void>): Promise<PreviewSummary>;
}

const NOT_ASKED = 'Numerik was not asked here (`exo-numerik map <kind> --unmapped` asks it)';

/** Numerik where it is configured; a record's page is shown without it, and says so. */
async function optionalClient(numerik: (() => Promise<NumerikClient>) | undefined): Promise<NumerikClient | undefined> {
  try {
    return await numerik?.();
  } catch {
    return undefined;
  }
}

/**
 * `numerik` is asked for only when an operation needs Numerik (a record's post, a mapping's check).
 * Each operation loads its own modules: a terminal's `status` should not pay for the preview.
 */
export function databaseOperations(db: Db, configured: SyncOptionsInput, numerik?: () => Promise<NumerikClient>): Operations {
  const options = optionsSource(db, configured, undefined, 0);
  const client = async () => {
    if (!numerik) throw new (await import('../sync/mappings.js')).MappingError('Numerik is not configured here (numerik.apiUrl)');
    return numerik();
  };
  const lookups = async () => (await import('../sync/lookups.js')).loadLookups(db, await options());
  const deps = async () => ({ db, client: await client(), lookups: await lookups() });
  return {
    status: async () => (await import('../sync/status/status.js')).readStatus(db, await options()),
    retry: async (selection) => (await import('../db/plugin/requeue.js')).requeueEntries(db, { kind: 'dead', ids: 'ids' in selection ? selection.ids : undefined }),
    settings: async () => (await import('../sync/settings.js')).listSettings(db, configured),
    setSetting: async (key, value, by) => (await import('../sync/settings.js')).changeSetting(db, configured, key, value, by),
    record: async (key) => (await import('../sync/record/record-view.js')).readRecord(db, await optionalClient(numerik), await lookups(), key),
    search: async (text) => (await import('../sync/record/record-view.js')).searchRecords(db, text),
    act: async (key, action, by) => (await import('../sync/record/actions.js')).recordAction(await deps(), key, action, by),
    choose: async (id, field, side, by) => (await import('../sync/record/actions.js')).chooseConflict(await deps(), id, field, side, by),
    mappings: async (kind) => (await import('../sync/mappings.js')).listMappings(db, kind),
    unmapped: async (kind, askNumerik = true) => (await import('../sync/unmapped.js')).listUnmapped(db, askNumerik ? await optionalClient(numerik) : undefined, kind, { notAsked: askNumerik ? undefined : NOT_ASKED, systemStaff: (await options()).systemStaff }),
    changeMapping: async (change) => (await import('../sync/mappings.js')).changeMapping(db, await numerik?.(), change),
    preview: async (o, emit) => (await import('../sync/preview/preview.js')).runPreview(db, await client(), await options(), o, emit),
  };
}
