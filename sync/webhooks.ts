import type { Db } from '../db/connect.js';
import { readWebhooks, writeWebhooks } from '../db/plugin/webhook-secrets.js';
import type { NumerikClient } from './numerik/client.js';
import { NumerikError } from './numerik/errors.js';

/** How long a replaced webhook's secret is still accepted, unless configured. */
export const DEFAULT_SECRET_OVERLAP_MINUTES = 15;

/**
 * Registers our receiver with Numerik and keeps the signing secret (shown by Numerik once, by us
 * never). Registering the same URL again replaces the webhook: the old one is removed at Numerik,
 * and its secret is accepted for `overlapMinutes` more (deliveries under way), then no longer.
 */
export async function registerWebhook(
  db: Db,
  client: NumerikClient,
  url: string,
  overlapMinutes = DEFAULT_SECRET_OVERLAP_MINUTES,
): Promise<{ id: string; url: string; replaced: string[] }> {
  const hook = await client.registerWebhook(url);
  const now = Date.now();
  const stored = (await readWebhooks(db)).filter((h) => !h.acceptUntil || Date.parse(h.acceptUntil) > now);
  const replaced = stored.filter((h) => h.url === url && !h.acceptUntil && h.id !== hook.id);
  for (const old of replaced) {
    await client.deleteWebhook(old.id).catch((error: unknown) => {
      // Gone at Numerik already: nothing to remove.
      if (!(error instanceof NumerikError && error.status === 404)) throw error;
    });
  }
  const acceptUntil = new Date(now + overlapMinutes * 60_000).toISOString();
  await writeWebhooks(db, [
    ...stored.filter((h) => !replaced.includes(h) && h.id !== hook.id),
    ...replaced.map((h) => ({ ...h, acceptUntil })),
    { id: hook.id, url: hook.url, secret: hook.secret },
  ]);
  return { id: hook.id, url: hook.url, replaced: replaced.map((h) => h.id) };
}

/**
 * The secrets a webhook signature may use: each registered webhook's, a replaced one's until its
 * overlap ends, plus any configured one (NUMERIK_WEBHOOK_SECRET, comma-separated while rotating).
 * Re-read at most every `ttlMs`.
 */
export function webhookSecrets(db: Db, configured: readonly string[] = [], ttlMs = 5_000): () => Promise<string[]> {
  let cached: { at: number; secrets: string[] } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.secrets;
    const now = Date.now();
    const hooks = (await readWebhooks(db)).filter((h) => !h.acceptUntil || Date.parse(h.acceptUntil) > now);
    const secrets = [...configured, ...hooks.map((h) => h.secret)];
    cached = { at: now, secrets };
    return secrets;
  };
}
