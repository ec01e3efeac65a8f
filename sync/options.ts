import { z } from 'zod';

const staffRef = z.union([z.number().int().positive(), z.string().min(1)]);
const lookupRef = z.union([z.number().int().positive(), z.string().min(1)]);

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * The options of DESIGN.md §4. Defaults come from here, then the config file, then
 * X_NUMERIK_SETTINGS (editable while the service runs).
 */
export const syncOptionsSchema = z
  .object({
    syncExoToNumerik: z.boolean().default(true),
    syncNumerikToExo: z.boolean().default(true),
    /** Staff numbers or login IDs whose activities are not sent. */
    excludedStaff: z.array(staffRef).default([]),
    /** Activity type numbers or names (case-insensitive). */
    excludedActivityTypes: z.array(lookupRef).default([]),
    excludedActivityStatuses: z.array(lookupRef).default([]),
    notesFormat: z.enum(['html', 'text']).default('text'),
    downloadAttachments: z.boolean().default(false),
    /** Where the service writes attachments: <root>/<activity key>/ (a local or mounted path). */
    attachmentsRoot: z.string().min(1).nullable().default(null),
    /** The TASKS column holding the hyperlink to the folder (an Exo extra field, X_ prefix). */
    attachmentsLinkField: z.string().regex(/^X_[A-Z0-9_]{1,60}$/, 'an Exo extra field column (X_…)').default('X_NUMERIK_FOLDER'),
    /** How Exo users reach the folders: a UNC path (\\server\share\Numerik) or a file: URL; default the root. */
    attachmentsLinkBase: z.string().min(1).nullable().default(null),
    maxAttachmentBytes: z.number().int().min(1).default(50 * 2 ** 20),
    /** Exo activity type name → Numerik tag name, where they differ. */
    typeTagMap: z.record(z.string(), z.string()).default({}),
    defaultStaff: staffRef.nullable().default(null),
    defaultActivityType: lookupRef.nullable().default(null),
    conflictPolicy: z.enum(['newest-wins', 'exo-wins', 'numerik-wins']).default('newest-wins'),
    /** How often an idle worker looks for work. */
    pollSeconds: z.number().min(0.05).max(60).default(0.2),
    reconcileMinutes: z.number().min(0.05).max(24 * 60).default(5),
    maxAttempts: z.number().int().min(1).max(100).default(8),
    /** Nothing changed before this instant is synced (first enable syncs nothing historical). */
    syncFrom: z.iso.datetime({ offset: true }).nullable().default(null),
    /** The Exo site's time zone: Exo stores wall-clock DATETIMEs without offset. */
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Pacific/Auckland)').default(machineTimeZone()),
  })
  .strict();

export type SyncOptions = z.output<typeof syncOptionsSchema>;
export type SyncOptionsInput = z.input<typeof syncOptionsSchema>;

export const SYNC_OPTION_KEYS = Object.keys(syncOptionsSchema.shape) as (keyof SyncOptions)[];

export function defaultSyncOptions(overrides: SyncOptionsInput = {}): SyncOptions {
  return syncOptionsSchema.parse(overrides);
}
