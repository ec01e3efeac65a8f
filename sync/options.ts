import { z } from 'zod';
import { OWNERSHIPS } from './mapping/ownership.js';
import { CONTENT_FIELDS } from './record/names.js';
import type { ContentField } from './mapping/content.js';

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
    syncExoToNumerik: z.boolean().default(true).describe('send Exo changes to Numerik (off: they wait in the queue)'),
    syncNumerikToExo: z.boolean().default(true).describe('apply Numerik changes to Exo (off: they wait in the inbox)'),
    shadow: z
      .boolean()
      .default(false)
      .describe('decide every change as usual but send and write nothing: each decision is shown as "would have …"; switched off, what waited is sent, in order, once'),
    excludedStaff: z.array(staffRef).default([]).describe('staff numbers or login IDs whose activities are not sent'),
    excludedActivityTypes: z.array(lookupRef).default([]).describe('activity type numbers or names (case-insensitive) not sent'),
    excludedActivityStatuses: z.array(lookupRef).default([]).describe('activity status numbers or names not sent'),
    notesFormat: z.enum(['html', 'text']).default('text').describe("how a post's text is written into DETAILS"),
    downloadAttachments: z.boolean().default(false).describe("download each post's attachments into a folder per activity"),
    attachmentsRoot: z.string().min(1).nullable().default(null).describe('where the service writes attachments: <root>/<activity key>/ (a local or mounted path)'),
    attachmentsLinkField: z
      .string()
      .regex(/^X_[A-Z0-9_]{1,60}$/, 'an Exo extra field column (X_…)')
      .default('X_NUMERIK_FOLDER')
      .describe('the TASKS extra field that holds the link to the folder'),
    attachmentsLinkBase: z.string().min(1).nullable().default(null).describe('how Exo users reach the folders: a UNC path (\\\\server\\share\\Numerik) or a file: URL; default the root'),
    postUrlTemplate: z
      .string()
      .regex(/^https?:\/\/[\x21-\x7e]*\{id\}[\x21-\x7e]*$/, 'an http(s) address with {id} where the post id goes')
      .nullable()
      .default(null)
      .describe("the post's page in Numerik's web app when Numerik gives no web_url, e.g. https://app.numerik.example/posts/{id}"),
    maxAttachmentBytes: z.number().int().min(1).default(50 * 2 ** 20).describe('larger attachments are refused (and logged)'),
    typeTagMap: z.record(z.string(), z.string()).default({}).describe('Exo activity type name → Numerik tag name, where they differ'),
    defaultStaff: staffRef.nullable().default(null).describe('staff number or login ID for Numerik users without an Exo staff member'),
    systemStaff: staffRef
      .nullable()
      .default(null)
      .describe("staff number or login ID the sync's own changes (the subject following the post) are attributed to; none: MODIFIEDBY is left as it was"),
    defaultActivityType: lookupRef.nullable().default(null).describe('activity type for posts without a tag that maps to one'),
    exoDeleteMark: z
      .enum(['text', 'tag', 'none'])
      .default('text')
      .describe('how the post of an activity deleted in Exo is marked (never deleted): text ("Deleted in Exo: " and who and when), tag, or none'),
    fieldOwnership: z
      .partialRecord(z.enum(CONTENT_FIELDS as [ContentField, ...ContentField[]]), z.enum(OWNERSHIPS, { error: () => `a field's ownership is one of ${OWNERSHIPS.join(', ')}` }), {
        // zod's typing leaves out the unrecognized_keys issue a partial record raises.
        error: (issue) => {
          const { keys } = issue as { keys?: string[] };
          return keys ? `no field ${keys.join(', ')}; the fields are ${CONTENT_FIELDS.join(', ')}` : undefined;
        },
      })
      .default({})
      .describe(
        "per field, who owns it: two-way (default), exo-to-numerik, numerik-to-exo or none (each side keeps its own); a new record is made whole. Changing it requeues nothing: each field's next change follows it",
      ),
    conflictPolicy: z.enum(['newest-wins', 'exo-wins', 'numerik-wins']).default('newest-wins').describe('who wins a field changed on both sides'),
    pollSeconds: z.number().min(0.05).max(60).default(0.2).describe('how often an idle worker looks for work'),
    reconcileMinutes: z.number().min(0.05).max(24 * 60).default(5).describe('how often reference data is refreshed and Numerik polled for missed changes'),
    maxAttempts: z.number().int().min(1).max(100).default(8).describe('attempts before an item becomes a dead letter'),
    syncFrom: z.iso.datetime({ offset: true }).nullable().default(null).describe('the reconcile poll starts here (default: when first enabled; history is `backfill`)'),
    timeZone: z
      .string()
      .refine(isTimeZone, 'not an IANA time zone (e.g. Pacific/Auckland)')
      .default(machineTimeZone())
      .describe("the Exo site's IANA time zone (Exo stores wall-clock times); default this machine's"),
  })
  .strict();

export type SyncOptions = z.output<typeof syncOptionsSchema>;
export type SyncOptionsInput = z.input<typeof syncOptionsSchema>;

export const SYNC_OPTION_KEYS = Object.keys(syncOptionsSchema.shape) as (keyof SyncOptions)[];

export function defaultSyncOptions(overrides: SyncOptionsInput = {}): SyncOptions {
  return syncOptionsSchema.parse(overrides);
}

/**
 * The configured options overlaid by the stored ones (X_NUMERIK_SETTINGS), key by key: a stored value
 * that does not validate is passed to `onInvalid` and left out, never half-applied. Also says which
 * keys the stored values decided.
 */
export function overlayStored(
  configured: SyncOptionsInput,
  stored: Record<string, unknown>,
  onInvalid: (key: string, message: string | undefined) => void = () => undefined,
): { options: SyncOptions; fromStore: Set<string> } {
  let options = syncOptionsSchema.parse(configured);
  const fromStore = new Set<string>();
  for (const key of SYNC_OPTION_KEYS) {
    if (!(key in stored)) continue;
    const candidate = syncOptionsSchema.safeParse({ ...options, [key]: stored[key] });
    if (!candidate.success) {
      onInvalid(key, candidate.error.issues[0]?.message);
      continue;
    }
    options = candidate.data;
    fromStore.add(key);
  }
  return { options, fromStore };
}
