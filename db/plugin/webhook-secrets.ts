import type { Db } from '../connect.js';
import { readSettings, writeSetting } from './settings.js';

/** Registered webhooks and their signing secrets. `secret.` keys are never shown or logged. */
const KEY = 'secret.webhooks';

export interface StoredWebhook {
  id: string;
  url: string;
  secret: string;
}

export async function readWebhooks(db: Db): Promise<StoredWebhook[]> {
  const value = (await readSettings(db))[KEY];
  return Array.isArray(value) ? (value as StoredWebhook[]) : [];
}

export async function addWebhook(db: Db, hook: StoredWebhook): Promise<void> {
  await writeSetting(db, KEY, [...(await readWebhooks(db)).filter((h) => h.id !== hook.id), hook], 'webhooks register');
}

export async function removeWebhook(db: Db, id: string): Promise<boolean> {
  const hooks = await readWebhooks(db);
  await writeSetting(db, KEY, hooks.filter((h) => h.id !== id), 'webhooks remove');
  return hooks.some((h) => h.id === id);
}
