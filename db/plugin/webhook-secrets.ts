import type { Db } from '../connect.js';
import { readSettings, writeSetting } from './settings.js';

/** Registered webhooks and their signing secrets. `secret.` keys are never shown or logged. */
const KEY = 'secret.webhooks';

export interface StoredWebhook {
  id: string;
  url: string;
  secret: string;
  /** A replaced webhook's secret is accepted until then (for deliveries already under way), then forgotten. */
  acceptUntil?: string;
}

export async function readWebhooks(db: Db): Promise<StoredWebhook[]> {
  const value = (await readSettings(db))[KEY];
  return Array.isArray(value) ? (value as StoredWebhook[]) : [];
}

export async function writeWebhooks(db: Db, hooks: readonly StoredWebhook[]): Promise<void> {
  await writeSetting(db, KEY, hooks, 'webhooks register');
}

export async function removeWebhook(db: Db, id: string): Promise<boolean> {
  const hooks = await readWebhooks(db);
  await writeSetting(db, KEY, hooks.filter((h) => h.id !== id), 'webhooks remove');
  return hooks.some((h) => h.id === id);
}
