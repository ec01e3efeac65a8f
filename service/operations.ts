import type { Db } from '../db/connect.js';
import { requeueEntries } from '../db/plugin/requeue.js';
import { loadLookups } from '../sync/lookups.js';
import { changeMapping, listMappings, MappingError, type MappingChange, type MappingKind, type MappingResult, type MappingView } from '../sync/mappings.js';
import type { NumerikClient } from '../sync/numerik/client.js';
import type { SyncOptionsInput } from '../sync/options.js';
import { optionsSource } from '../sync/options-source.js';
import { chooseConflict, recordAction, type RecordAction } from '../sync/record/actions.js';
import type { ChosenSide } from '../sync/record/rebase.js';
import { readRecord, searchRecords, type RecordKey, type RecordView } from '../sync/record/record-view.js';
import type { ContentField } from '../sync/mapping/content.js';
import { changeSetting, listSettings, type SettingView } from '../sync/settings.js';
import type { PreviewItem } from '../sync/preview/item.js';
import { runPreview, type PreviewOptions, type PreviewSummary } from '../sync/preview/preview.js';
import { readStatus, type SyncStatus } from '../sync/status/status.js';

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
  changeMapping(change: MappingChange): Promise<MappingResult>;
  /** What the sync would do, item by item, streamed to `emit`; writes nothing. */
  preview(o: PreviewOptions, emit: (item: PreviewItem) => void | Promise<void>): Promise<PreviewSummary>;
}

/** Numerik where it is configured; a record's page is shown without it, and says so. */
function optionalClient(numerik: (() => NumerikClient) | undefined): NumerikClient | undefined {
  try {
    return numerik?.();
  } catch {
    return undefined;
  }
}

/** `numerik` is asked for only when an operation needs Numerik (a record's post, a mapping's check). */
export function databaseOperations(db: Db, configured: SyncOptionsInput, numerik?: () => NumerikClient): Operations {
  const options = optionsSource(db, configured, undefined, 0);
  const client = () => {
    if (!numerik) throw new MappingError('Numerik is not configured here (numerik.apiUrl)');
    return numerik();
  };
  const deps = async () => ({ db, client: client(), lookups: await loadLookups(db, await options()) });
  return {
    status: async () => readStatus(db, await options()),
    retry: (selection) => requeueEntries(db, { kind: 'dead', ids: 'ids' in selection ? selection.ids : undefined }),
    settings: () => listSettings(db, configured),
    setSetting: (key, value, by) => changeSetting(db, configured, key, value, by),
    record: async (key) => readRecord(db, optionalClient(numerik), await loadLookups(db, await options()), key),
    search: (text) => searchRecords(db, text),
    act: async (key, action, by) => recordAction(await deps(), key, action, by),
    choose: async (id, field, side, by) => chooseConflict(await deps(), id, field, side, by),
    mappings: (kind) => listMappings(db, kind),
    changeMapping: (change) => changeMapping(db, numerik?.(), change),
    preview: async (o, emit) => runPreview(db, client(), await options(), o, emit),
  };
}
