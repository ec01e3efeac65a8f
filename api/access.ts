import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the request carries the admin token (compared in constant time). */
export function hasAdminToken(req: Request, token: string | undefined): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
  return Boolean(token && given && timingSafeEqual(digest(given), digest(token)));
}

/** A person on this machine: a loopback connection that no proxy forwarded. */
function fromThisMachine(req: Request): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.header('x-forwarded-for') && !req.header('forwarded');
}

/**
 * Reading the status (activity keys, reasons, conflicting text): from this machine, or with the
 * admin token (through the reverse proxy, which also forwards Numerik's webhooks).
 */
export function readAccess(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (fromThisMachine(req) || hasAdminToken(req, token)) return next();
    res.status(401).json({ error: 'unauthorized', reason: 'the status is shown on this machine, or with the admin token (Authorization: Bearer …)' });
  };
}

/** Changing anything (retry, settings): always the admin token. */
export function adminAccess(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!token) return void res.status(403).json({ error: 'forbidden', reason: 'no admin token is configured (api.adminToken, EXO_API_ADMIN_TOKEN)' });
    if (!hasAdminToken(req, token)) return void res.status(401).json({ error: 'unauthorized', reason: 'the admin token is missing or wrong (Authorization: Bearer …)' });
    next();
  };
}
