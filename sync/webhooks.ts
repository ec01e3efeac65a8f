import type { Db } from '../db/connect.js';
import { addWebhook, readWebhooks } from '../db/plugin/webhook-secrets.js';
import type { NumerikClient } from './numerik/client.js';

/** Registers our receiver with Numerik and keeps the signing secret (shown by Numerik once, by us never). */
export async function registerWebhook(db: Db, client: NumerikClient, url: string): Promise<{ id: string; url: string }> {
  const hook = await client.registerWebhook(url);
  await addWebhook(db, { id: hook.id, url: hook.url, secret: hook.secret });
  return { id: hook.id, url: hook.url };
}

/**
 * The secrets a webhook signature may use: each registered webhook's, plus any configured one
 * (NUMERIK_WEBHOOK_SECRET, comma-separated while rotating). Re-read at most every `ttlMs`.
 */
export function webhookSecrets(db: Db, configured: readonly string[] = [], ttlMs = 5_000): () => Promise<string[]> {
  let cached: { at: number; secrets: string[] } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.secrets;
    const secrets = [...configured, ...(await readWebhooks(db)).map((h) => h.secret)];
    cached = { at: Date.now(), secrets };
    return secrets;
  };
}
