import { z } from 'zod';
import { dbSettingsSchema } from '../db/target.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../migrations/migration.js';
import { syncOptionsSchema } from '../sync/options.js';

const extraFieldSchema = z
  .object({
    displayName: z.string().min(1).max(60).describe("the field's caption on Exo's Extra Fields tab"),
    controlNo: z.number().int().nullable().describe('copy from a field made with Exo Configurator'),
    controlSize: z.number().int().nullable().describe('copy from a field made with Exo Configurator'),
    controlType: z.number().int().nullable().describe('copy from a field made with Exo Configurator (a hyperlink control)'),
    dataType: z.string().max(20).nullable().describe('copy from a field made with Exo Configurator'),
    dataSize: z.number().int().nullable().describe('copy from a field made with Exo Configurator'),
    editable: z.enum(['Y', 'N']).describe('may Exo users edit the link'),
    tooltip: z.string().max(100).nullable().describe("the field's tooltip in Exo"),
  })
  .strict();

/** Everything exo-numerik can be configured with. Unknown keys are errors: a typo must not be ignored. */
export const configSchema = z
  .object({
    database: dbSettingsSchema.default({}),
    /** The EXTRA_FIELDS row of X_NUMERIK_FOLDER: copy the values of a field made with Exo Configurator. */
    extraField: extraFieldSchema.partial().default({}),
    /** The EXTRA_FIELDS row of X_NUMERIK_POST, the link to the activity's post in Numerik. */
    postField: extraFieldSchema.partial().default({}),
    /** The EXTRA_FIELDS row of X_NUMERIK_STATE, the activity's sync state in words. */
    stateField: extraFieldSchema.partial().default({}),
    numerik: z
      .object({
        apiUrl: z.url({ protocol: /^https?$/ }).optional().describe("Numerik's API base URL (none: `npm start` runs the demo's sandbox)"),
        token: z.string().min(1).optional().describe('the API token (environment or file only; never logged)'),
        webhookSecret: z.string().min(1).optional().describe('signing secret(s) besides those `webhooks register` stored; comma-separated while rotating'),
        webhookSecretOverlapMinutes: z.coerce
          .number()
          .min(0)
          .max(24 * 60)
          .default(15)
          .describe('after `webhooks register` replaces a webhook, how long its old secret is still accepted'),
      })
      .strict()
      .default({ webhookSecretOverlapMinutes: 15 }),
    /** The options of DESIGN.md §4 as first configured; X_NUMERIK_SETTINGS overrides them at run time. */
    sync: syncOptionsSchema.partial().default({}),
    api: z
      .object({
        host: z.string().min(1).default('127.0.0.1').describe('where the local API listens (loopback: a reverse proxy forwards Numerik to it)'),
        port: z.coerce.number().int().min(0).max(65535).default(8787).describe('its port'),
        publicUrl: z.url().optional().describe('the URL Numerik calls, through the reverse proxy (for `webhooks register`)'),
        adminToken: z.string().min(16, 'at least 16 characters').optional().describe('bearer token for retry and settings, and for the status from another machine'),
        allowedHosts: z
          .array(z.string().min(1).max(253))
          .optional()
          .describe('more names the status page and admin API answer to (loopback, where it listens and the host of publicUrl always)'),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8787 }),
    worker: z
      .object({
        batchSize: z.coerce.number().int().min(1).max(1000).default(100).describe('queue rows claimed at once'),
        concurrency: z.coerce.number().int().min(1).max(256).default(16).describe('items handled at once'),
        leaseMs: z.coerce.number().int().min(1000).max(3_600_000).default(60_000).describe('how long a claim holds before another worker may take it over'),
      })
      .strict()
      .default({ batchSize: 100, concurrency: 16, leaseMs: 60_000 }),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;

export function migrationOptions(config: Config) {
  const d = DEFAULT_MIGRATION_OPTIONS;
  return {
    extraField: { ...d.extraField, ...config.extraField },
    postField: { ...d.postField, ...config.postField },
    stateField: { ...d.stateField, ...config.stateField },
  };
}
