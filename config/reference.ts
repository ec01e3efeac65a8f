import { z } from 'zod';
import { ENV_KEYS } from './load.js';
import { configSchema } from './schema.js';

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  format?: string;
}

/** Defaults that depend on the machine: named, not printed, so the reference is the same everywhere. */
const MACHINE_DEFAULTS: Record<string, string> = { 'sync.timeZone': "this machine's zone" };

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' | ');
  if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(' or ');
  if (s.type === 'array') return `list of ${typeOf(s.items ?? {})}`;
  if (s.type === 'object') return 'map';
  if (s.format === 'date-time') return 'date-time';
  return s.type === 'integer' ? 'number' : (s.type ?? 'text');
}

// Markdown would read \ as an escape, <root> as a tag and | as a column.
const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');

/**
 * The configuration reference (README, `exo-numerik config reference`), made from the schema itself
 * so it cannot drift: every key, the environment variable that sets it, type, default and meaning.
 */
export function configReference(): string {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const envOf = new Map(Object.entries(ENV_KEYS).map(([env, [section, key]]) => [`${section}.${key}`, env]));
  const lines = ['| key | environment | type | default | meaning |', '| --- | --- | --- | --- | --- |'];
  for (const [section, schema] of Object.entries(root.properties ?? {})) {
    for (const [key, field] of Object.entries(schema.properties ?? {})) {
      const name = `${section}.${key}`;
      const env = envOf.get(name);
      const fallback = MACHINE_DEFAULTS[name] ?? (field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``);
      lines.push(`| \`${name}\` | ${env ? `\`${env}\`` : ''} | ${cell(typeOf(field))} | ${cell(fallback)} | ${cell(field.description ?? '')} |`);
    }
  }
  return lines.join('\n');
}
