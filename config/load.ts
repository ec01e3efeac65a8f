import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getLocation, parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { ConfigError } from './error.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'exo-numerik.config.json';

export { ConfigError };

/** Environment variables and the config key each one sets. Secrets belong here or in the file. */
export const ENV_KEYS: Record<string, [section: 'database' | 'numerik' | 'sync' | 'worker' | 'api', key: string, kind?: 'boolean']> = {
  EXO_DB_CLIENT: ['database', 'client'],
  EXO_DB_URL: ['database', 'url'],
  EXO_DB_SERVER: ['database', 'server'],
  EXO_DB_PORT: ['database', 'port'],
  EXO_DB_NAME: ['database', 'database'],
  EXO_DB_AUTHENTICATION: ['database', 'authentication'],
  EXO_DB_DOMAIN: ['database', 'domain'],
  EXO_DB_USER: ['database', 'user'],
  EXO_DB_PASSWORD: ['database', 'password'],
  EXO_DB_ENCRYPT: ['database', 'encrypt', 'boolean'],
  EXO_DB_TRUST_SERVER_CERTIFICATE: ['database', 'trustServerCertificate', 'boolean'],
  EXO_DB_SCHEMA: ['database', 'schema'],
  EXO_DB_MIGRATION_USER: ['database', 'migrationUser'],
  EXO_DB_MIGRATION_PASSWORD: ['database', 'migrationPassword'],
  EXO_PGLITE_DIR: ['database', 'pgliteDir'],
  NUMERIK_API_URL: ['numerik', 'apiUrl'],
  NUMERIK_TOKEN: ['numerik', 'token'],
  NUMERIK_WEBHOOK_SECRET: ['numerik', 'webhookSecret'],
  EXO_API_HOST: ['api', 'host'],
  EXO_API_PORT: ['api', 'port'],
  EXO_API_PUBLIC_URL: ['api', 'publicUrl'],
  EXO_API_ADMIN_TOKEN: ['api', 'adminToken'],
  EXO_TIME_ZONE: ['sync', 'timeZone'],
  EXO_WORKER_BATCH_SIZE: ['worker', 'batchSize'],
  EXO_WORKER_CONCURRENCY: ['worker', 'concurrency'],
  EXO_WORKER_LEASE_MS: ['worker', 'leaseMs'],
};

export interface LoadOptions {
  /** A config file; without one, ./exo-numerik.config.json is read if it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.EXO_NUMERIK_CONFIG ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const raw: Record<string, Record<string, unknown>> = file ? readConfigFile(file) : {};
  const fromEnv = new Map<string, string>();
  for (const [name, [section, key, kind]] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[section] = { ...(raw[section] ?? {}), [key]: kind === 'boolean' ? /^(1|true|yes)$/i.test(value) : value };
    fromEnv.set(`${section}.${key}`, name);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${file ? `config ${file}` : 'configuration'}: ${describeIssues(parsed.error, fromEnv)}`);
  return parsed.data;
}

function readConfigFile(file: string): Record<string, Record<string, unknown>> {
  const full = path.resolve(file);
  if (!existsSync(full)) throw new ConfigError(`config file ${file} does not exist`);
  const text = readFileSync(full, 'utf8');
  const errors: ParseError[] = [];
  const value: unknown = parseJson(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length) throw new ConfigError(`config file ${file} is not valid JSON: ${whereIn(text, errors[0]!)}`);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`config file ${file}: the top level must be an object`);
  return value as Record<string, Record<string, unknown>>;
}

/**
 * Where a JSON error is, by line, column and key, and what is wrong there — never the text around
 * it, which may be part of a secret.
 */
function whereIn(text: string, error: ParseError): string {
  const before = text.slice(0, error.offset);
  const line = before.split('\n').length;
  const column = error.offset - before.lastIndexOf('\n');
  const key = getLocation(text, error.offset).path.filter((k) => k !== '').join('.');
  const what = printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `line ${line}, column ${column}${key ? ` (at ${key})` : ''}: ${what}`;
}

/** `database.port: expected number, received string` — the key first, never the value (it may be a secret). */
export function describeIssues(error: z.ZodError, fromEnv: ReadonlyMap<string, string> = new Map()): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.');
      const where = key ? (fromEnv.has(key) ? `${key} (from ${fromEnv.get(key)})` : key) : '(top level)';
      const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.map((k) => `"${k}"`).join(', ')}` : '';
      return `${where}: ${issue.message}${keys && !issue.message.includes(keys.trim()) ? keys : ''}`;
    })
    .join('; ');
}
