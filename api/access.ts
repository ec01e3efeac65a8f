import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { NextFunction, Request, Response } from 'express';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the request carries the admin token (compared in constant time). */
export function hasAdminToken(req: Request, token: string | undefined): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
  return Boolean(token && given && timingSafeEqual(digest(given), digest(token)));
}

const SESSION_COOKIE = 'exo_numerik_status';

/**
 * The status page's session: a cookie derived from the admin token (so it ends when the token
 * changes), set once the token was shown. It lets the page be read in full; it never authorizes a
 * change, which always takes the token itself.
 */
const sessionValue = (token: string) => createHmac('sha256', token).update('exo-numerik status session').digest('base64url');

export function sessionCookie(req: Request, token: string, end = false): string {
  return serializeCookie(SESSION_COOKIE, end ? '' : sessionValue(token), { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure, ...(end ? { maxAge: 0 } : {}) });
}

function hasSession(req: Request, token: string | undefined): boolean {
  const given = parseCookies(req.header('cookie') ?? '')[SESSION_COOKIE];
  return Boolean(token && given && timingSafeEqual(digest(given), digest(sessionValue(token))));
}

/**
 * Activity and post text, names and addresses: only with the admin token (or the page's session).
 * A loopback connection is no proof: on a terminal server every Exo user is on this machine.
 */
export function mayReadText(req: Request, token: string | undefined): boolean {
  return hasAdminToken(req, token) || hasSession(req, token);
}

/** A person on this machine: a loopback connection that no proxy forwarded. */
function fromThisMachine(req: Request): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.header('x-forwarded-for') && !req.header('forwarded');
}

/**
 * Reading the status at all (counts and states): from this machine, or with the admin token
 * (through the reverse proxy, which also forwards Numerik's webhooks). Its text needs mayReadText.
 */
export function readAccess(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (fromThisMachine(req) || mayReadText(req, token)) return next();
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
