import express, { type Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connect.js';
import { storeEvent } from '../db/plugin/inbox/store-event.js';
import type { Logger } from '../logging/logger.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../sync/numerik/signature.js';
import { WEBHOOK_EVENTS } from '../sync/numerik/client.js';

export const WEBHOOK_BODY_LIMIT = '1mb';

const eventSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(WEBHOOK_EVENTS as [string, ...string[]]),
  created_at: z.string().min(1),
  data: z.object({ post_id: z.string().min(1).max(64), version: z.number().int().nonnegative() }),
});

export interface WebhookDeps {
  db: Db;
  /** The secrets a signature may be made with (more than one while a secret is rotated). */
  secrets(): Promise<string[]>;
  logger: Logger;
  /** Told after an event was stored (wakes the inbound worker). */
  onStored?(): void;
}

/**
 * POST /webhooks/numerik: verify, store once, answer. The sync happens later, from the inbox:
 * Numerik gets its answer in milliseconds, and nothing is acknowledged that was not stored.
 */
export function webhookRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  router.post('/webhooks/numerik', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let secrets: string[];
    try {
      secrets = await deps.secrets();
    } catch (error) {
      deps.logger.error('webhook refused: the database is unreachable', { error: (error as Error).message });
      return void res.status(503).json({ error: 'unavailable', reason: 'the database is unreachable; retry later' });
    }
    const check = verifySignature(req.header(SIGNATURE_HEADER), req.header(TIMESTAMP_HEADER), raw, secrets);
    if (!check.ok) {
      deps.logger.warn('webhook refused: bad signature', { reason: check.reason, ip: req.ip });
      return void res.status(401).json({ error: 'unauthorized', reason: check.reason });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return void res.status(400).json({ error: 'bad_request', reason: 'the body is not JSON' });
    }
    const parsed = eventSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return void res.status(400).json({ error: 'bad_request', reason: `${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const event = parsed.data;
    const headerId = req.header(EVENT_ID_HEADER);
    if (headerId && headerId !== event.id) return void res.status(400).json({ error: 'bad_request', reason: 'Numerik-Event-Id does not match the body' });
    try {
      const result = await storeEvent(deps.db, { eventId: event.id, type: event.type, postId: event.data.post_id, version: event.data.version, source: 'webhook' });
      if (result === 'duplicate') return void res.status(200).json({ status: 'duplicate' });
      deps.onStored?.();
      res.status(202).json({ status: 'accepted' });
    } catch (error) {
      deps.logger.error('webhook not stored: the database is unreachable', { event: event.id, error: (error as Error).message });
      res.status(503).json({ error: 'unavailable', reason: 'the event could not be stored; retry later' });
    }
  });
  return router;
}
