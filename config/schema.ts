import { z } from 'zod';
import { dbSettingsSchema } from '../db/target.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../migrations/migration.js';

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
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;

export function migrationOptions(config: Config) {
  return { extraField: { ...DEFAULT_MIGRATION_OPTIONS.extraField, ...config.extraField } };
}
