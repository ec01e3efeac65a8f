import type { Db } from '../db/connect.js';
import { readSettings } from '../db/plugin/settings.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { overlayStored, type SyncOptions, type SyncOptionsInput } from './options.js';

export type OptionsSource = () => Promise<SyncOptions>;

/**
 * The options in force: the configuration's, overlaid by X_NUMERIK_SETTINGS, re-read at most every
 * `ttlMs` so a `settings set` takes effect without a restart. A stored value that does not validate
 * is ignored (and logged), never half-applied.
 */
export function optionsSource(db: Db, configured: SyncOptionsInput = {}, logger: Logger = silentLogger, ttlMs = 2000): OptionsSource {
  let cached: { at: number; options: SyncOptions } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.options;
    const { options } = overlayStored(configured, await readSettings(db), (key, error) => logger.warn('ignoring an invalid stored setting', { key, error }));
    cached = { at: Date.now(), options };
    return options;
  };
}
