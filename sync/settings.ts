import type { Db } from '../db/connect.js';
import { readSettings, writeSetting } from '../db/plugin/settings.js';
import { overlayStored, SYNC_OPTION_KEYS, syncOptionsSchema, type SyncOptions, type SyncOptionsInput } from './options.js';

/** A bad `settings set`: names the key and what it takes. Nothing is written. */
export class SettingError extends Error {
  override name = 'SettingError';
}

export interface SettingView {
  key: string;
  value: unknown;
  /** Where the value in force comes from. */
  source: 'stored' | 'config' | 'default';
  /** What the change does beyond the value (said to whoever set it). */
  note?: string;
}

/** A setting that decides what future changes do, not what was decided already. */
const REQUEUES_NOTHING: Partial<Record<keyof SyncOptions, string>> = {
  fieldOwnership: "requeues nothing: what was synced stays as it is, and each field's next change follows the new ownership (`exo-numerik record retry activity <key>` sends one again)",
};

/**
 * Options the configuration sets and X_NUMERIK_SETTINGS does not have yet are written there, so the
 * table shows what is in force and `settings set` changes it. Returns the keys whose configured
 * value differs from the stored one (the stored value stays in force).
 */
export async function seedSettings(db: Db, configured: SyncOptionsInput): Promise<string[]> {
  const stored = await readSettings(db);
  const differing: string[] = [];
  for (const [key, value] of Object.entries(configured)) {
    if (value === undefined || !SYNC_OPTION_KEYS.includes(key as keyof SyncOptions)) continue;
    if (!(key in stored)) await writeSetting(db, key, value, 'config');
    else if (JSON.stringify(stored[key]) !== JSON.stringify(value)) differing.push(key);
  }
  return differing;
}

/** The options in force and where each comes from; `secret.` and `state.` keys are never listed. */
export async function listSettings(db: Db, configured: SyncOptionsInput): Promise<SettingView[]> {
  const { options, fromStore } = overlayStored(configured, await readSettings(db));
  const views = SYNC_OPTION_KEYS.map((key): SettingView => ({ key, value: options[key], source: fromStore.has(key) ? 'stored' : key in configured ? 'config' : 'default' }));
  return views;
}

/** Validates and stores one option; the running service picks it up within seconds. */
export async function changeSetting(db: Db, configured: SyncOptionsInput, key: string, value: unknown, by: string): Promise<SettingView> {
  if (!SYNC_OPTION_KEYS.includes(key as keyof SyncOptions)) {
    throw new SettingError(`unknown setting "${key}"; the settings are: ${SYNC_OPTION_KEYS.join(', ')}`);
  }
  const current = Object.fromEntries((await listSettings(db, configured)).map((v) => [v.key, v.value]));
  const parsed = syncOptionsSchema.safeParse({ ...current, [key]: value });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SettingError(`${issue.path.length ? issue.path.join('.') : key}: ${issue.message} (got ${JSON.stringify(value)})`);
  }
  await writeSetting(db, key, parsed.data[key as keyof SyncOptions], by);
  const note = REQUEUES_NOTHING[key as keyof SyncOptions];
  return { key, value: parsed.data[key as keyof SyncOptions], source: 'stored', ...(note ? { note } : {}) };
}
