import express, { type Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/connect.js';
import { STORABLE_ID, storeEvent } from '../db/plugin/inbox/store-event.js';
import type { Logger } from '../logging/logger.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../sync/numerik/signature.js';
import { WEBHOOK_EVENTS } from '../sync/numerik/client.js';
import { causeOf } from '../sync/error-cause.js';

export const WEBHOOK_BODY_LIMIT = '1mb';

/** What X_NUMERIK_INBOX can hold, checked before anything is stored: a refusal, never a retry. */
const storableId = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(STORABLE_ID, 'only printable ASCII characters, without spaces');
const eventSchema = z.object({
  id: storableId(100),
  type: z.enum(WEBHOOK_EVENTS as [string, ...string[]]),
  created_at: z.string().min(1).max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'not a date and time'),
  data: z.object({ post_id: storableId(64), version: z.number().int().nonnegative().max(2_147_483_647) }),
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
 * The signature is over the bytes Numerik sent: a body that would have to be decoded first (gzip,
 * say) is refused, so what is checked is always what arrived.
 */
function refuseEncodedBodies(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const encoding = (req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return next();
  res.status(415).json({ error: 'unsupported_encoding', reason: `Content-Encoding ${encoding.slice(0, 40)} is not accepted: send the body as it was signed` });
}

/**
 * POST /webhooks/numerik: verify, store once, answer. The sync happens later, from the inbox:
 * Numerik gets its answer in milliseconds, and nothing is acknowledged that was not stored.
 */
export function webhookRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  router.post('/webhooks/numerik', refuseEncodedBodies, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT, inflate: false }), async (req, res) => {
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
      const permanent = deps.db.dialect.permanentError(error);
      if (permanent) {
        // The database refused this event for what it holds: storing it again will never work.
        deps.logger.error('webhook refused: the event cannot be stored', { event: event.id, cause: permanent });
        return void res.status(400).json({ error: 'bad_request', reason: `the event cannot be stored: ${permanent}` });
      }
      deps.logger.error('webhook not stored: the database is unavailable', { event: event.id, cause: causeOf(error) });
      res.status(503).json({ error: 'unavailable', reason: 'the event could not be stored; retry later' });
    }
  });
  return router;
}
