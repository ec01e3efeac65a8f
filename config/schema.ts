import { z } from 'zod';
import { dbSettingsSchema } from '../db/target.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../migrations/migration.js';
import { syncOptionsSchema } from '../sync/options.js';

const extraFieldSchema = z
  .object({
    displayName: z.string().min(1).max(60),
    controlNo: z.number().int().nullable(),
    controlSize: z.number().int().nullable(),
    controlType: z.number().int().nullable(),
    dataType: z.string().max(20).nullable(),
    dataSize: z.number().int().nullable(),
    editable: z.enum(['Y', 'N']),
    tooltip: z.string().max(100).nullable(),
  })
  .strict();

/** Everything exo-numerik can be configured with. Unknown keys are errors: a typo must not be ignored. */
export const configSchema = z
  .object({
    database: dbSettingsSchema.default({}),
    /** The EXTRA_FIELDS row of X_NUMERIK_FOLDER: copy the values of a field made with Exo Configurator. */
    extraField: extraFieldSchema.partial().default({}),
    numerik: z
      .object({
        apiUrl: z.url({ protocol: /^https?$/ }).optional(),
        /** The API token: from the environment (NUMERIK_TOKEN) or this file, never the command line. */
        token: z.string().min(1).optional(),
        /** Webhook signing secret(s) besides those `webhooks register` stored; comma-separated while rotating. */
        webhookSecret: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** The options of DESIGN.md §4 as first configured; X_NUMERIK_SETTINGS overrides them at run time. */
    sync: syncOptionsSchema.partial().default({}),
    api: z
      .object({
        /** Loopback unless Numerik must reach it directly; usually a reverse proxy forwards to it. */
        host: z.string().min(1).default('127.0.0.1'),
        port: z.coerce.number().int().min(0).max(65535).default(8787),
        /** The URL Numerik calls (through the reverse proxy), for `webhooks register`. */
        publicUrl: z.url().optional(),
        /** Bearer token for the admin actions (retry, settings) and for reading the status from elsewhere. */
        adminToken: z.string().min(16, 'at least 16 characters').optional(),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8787 }),
    worker: z
      .object({
        batchSize: z.coerce.number().int().min(1).max(1000).default(100),
        concurrency: z.coerce.number().int().min(1).max(256).default(16),
        leaseMs: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
      })
      .strict()
      .default({ batchSize: 100, concurrency: 16, leaseMs: 60_000 }),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;

export function migrationOptions(config: Config) {
  return { extraField: { ...DEFAULT_MIGRATION_OPTIONS.extraField, ...config.extraField } };
}
