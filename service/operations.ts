import type { Db } from '../db/connect.js';
import { requeueEntries } from '../db/plugin/requeue.js';
import type { SyncOptionsInput } from '../sync/options.js';
import { optionsSource } from '../sync/options-source.js';
import { changeSetting, listSettings, type SettingView } from '../sync/settings.js';
import { readStatus, type SyncStatus } from '../sync/status/status.js';

export type RetrySelection = { all: true } | { ids: number[] };

/**
 * What an operator can see and do, whether from the terminal (straight on the database) or through
 * the running service's API (the status page; the embedded database, which one process owns).
 */
export interface Operations {
  status(): Promise<SyncStatus>;
  /** Dead letters back to work; returns the entries retried. */
  retry(selection: RetrySelection): Promise<number[]>;
  settings(): Promise<SettingView[]>;
  setSetting(key: string, value: unknown, by: string): Promise<SettingView>;
}

export function databaseOperations(db: Db, configured: SyncOptionsInput): Operations {
  const options = optionsSource(db, configured, undefined, 0);
  return {
    status: async () => readStatus(db, await options()),
    retry: (selection) => requeueEntries(db, { kind: 'dead', ids: 'ids' in selection ? selection.ids : undefined }),
    settings: () => listSettings(db, configured),
    setSetting: (key, value, by) => changeSetting(db, configured, key, value, by),
  };
}
